// Headless Debian Chromium through playwright-core: the console logged in as a user, problem
// collection (any page error or Content-Security-Policy violation fails the test), axe-core
// checks, and small polling helpers (every wait has a timeout, none is a fixed sleep).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 10_000;
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function launch(t) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (t) t.after(() => browser.close());
  return browser;
}

/**
 * Watches a page: page errors, CSP violations (reported by the page's own
 * `securitypolicyviolation` event and by Chromium's console), and dialogs (dismissed).
 */
function watch(page, problems, label) {
  page.on('pageerror', (error) => problems.push(`[${label}] page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation/i.test(text)) problems.push(`[${label}] ${text}`);
  });
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
}

const reportViolations = () => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
  });
};

/**
 * A browser context with the console open at `hash`, logged in as `user` ({userId, authToken}
 * from the REST log-in; none: not logged in). `problems` collects what fails the test; it is
 * asserted empty when the test ends. `scale` is the device pixel ratio (2 for a phone's
 * screenshot as sharp as the phone would show it).
 */
async function openConsole(t, browser, url, user, { viewport, scale = 1, hash = '#/', permissions, initScripts = [], label = 'console' } = {}) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 800 }, deviceScaleFactor: scale });
  t.after(() => context.close());
  if (permissions) await context.grantPermissions(permissions, { origin: url });
  await context.addInitScript(reportViolations);
  for (const script of initScripts) await context.addInitScript(script);
  const problems = [];
  problems.dialogs = [];
  t.after(() => assert.deepEqual([...problems], [], `${label}: page errors or CSP violations`));
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  watch(page, problems, label);
  // DDP frames both ways, for assertions on what went over the socket and for diagnostics.
  const frames = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => frames.push(`< ${f.payload}`));
    ws.on('framesent', (f) => frames.push(`> ${f.payload}`));
  });
  context.on('page', (other) => other !== page && watch(other, problems, `${label} (other tab)`));
  if (user) {
    // Same origin, before the console boots: the log-in it would have stored itself.
    await page.goto(`${url}/api/info`);
    await page.evaluate(({ userId, authToken }) => {
      localStorage.setItem('Meteor.userId', userId);
      localStorage.setItem('Meteor.loginToken', authToken);
    }, user);
  }
  await page.goto(`${url}/${hash}`);
  if (user) await connected(page);
  return { context, page, problems, frames };
}

/** Waits for the top bar to say "Connected". */
async function connected(page, timeout = WAIT_MS) {
  await page.locator('header.topbar .connection[data-state="online"]').waitFor({ timeout });
  assert.equal(await page.locator('header.topbar [role=status].connection').textContent(), 'Connected');
}

/** Runs axe-core on the page; fails on serious or critical violations. */
async function checkA11y(page, label) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const answer = await window.axe.run(document, { resultTypes: ['violations'] });
    return answer.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: serious or critical accessibility violations`);
}

/** Polls `probe` until it returns a truthy value (answered), or fails after `timeout`. */
async function eventually(probe, message, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const text = typeof message === 'function' ? await Promise.resolve(message()).catch((e) => `? ${e.message}`) : message;
      assert.fail(`${text} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The inbox list named `heading` ("Waiting", "My chats", "Other open chats"). */
function inboxList(page, heading) {
  return page.getByRole('navigation', { name: 'Inbox' }).getByRole('list', { name: heading });
}

/** The row link of chat `rid` in list `heading`. */
function rowOf(page, heading, rid) {
  return inboxList(page, heading).locator(`a.chat-row[data-rid="${rid}"]`);
}

module.exports = { launch, openConsole, connected, checkA11y, eventually, inboxList, rowOf, WAIT_MS };

/** Waits for a dialog to close; if it stays, fails with what it says (e.g. its error). */
async function dialogClosed(dialog, timeout = WAIT_MS) {
  try {
    await dialog.waitFor({ state: 'detached', timeout });
  } catch {
    assert.fail(`the dialog stayed open: ${await dialog.innerText().catch(() => '?')}`);
  }
}

module.exports.dialogClosed = dialogClosed;
