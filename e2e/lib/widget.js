// The official widget (@rocket.chat/livechat 1.13.3) as the server serves it at /livechat:
// opened in its own browser context, the registration form filled in, frames it receives kept.
'use strict';

const WAIT_MS = 10_000;

/** Opens the widget as a new visitor named `name`; answers {page, framesIn, problems}. */
async function openWidget(t, browser, url, { name, email }) {
  const context = await browser.newContext();
  t.after(() => context.close());
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  const framesIn = [];
  const framesOut = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => framesIn.push(String(f.payload)));
    ws.on('framesent', (f) => framesOut.push(String(f.payload)));
  });
  await page.goto(`${url}/livechat`);
  const shown = (...selectors) => page.locator(selectors.map((s) => `${s}:visible`).join(', ')).first();
  const button = page.locator('[class*="screen__chat-button"]');
  const form = page.locator('form input[name="name"]');
  await shown('[class*="screen__chat-button"]', '[class*="composer__input"]', 'form input[name="name"]')
    .waitFor({ timeout: WAIT_MS });
  if (await button.isVisible()) await button.click();
  await shown('[class*="composer__input"]', 'form input[name="name"]').waitFor({ timeout: WAIT_MS });
  if (await form.isVisible()) {
    await form.fill(name);
    await page.locator('form input[name="email"]').fill(email);
    await page.locator('form button[type="submit"]').click();
  }
  const composer = page.locator('[class*="composer__input"]');
  await composer.waitFor({ timeout: WAIT_MS });
  return {
    page,
    framesIn,
    framesOut,
    log,
    composer,
    /** Types `text` and sends it with Enter; waits until the widget shows it. */
    async send(text) {
      await composer.click();
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
      await page.getByText(text).first().waitFor({ timeout: WAIT_MS });
    },
    /** The visitor token the widget keeps in its stored state. */
    async token() {
      const handle = await page.waitForFunction(() => JSON.parse(localStorage.getItem('store') || '{}').token, null, { timeout: WAIT_MS });
      return handle.jsonValue();
    },
    /** The room the widget opened, from its own stored state. */
    async roomId() {
      const handle = await page.waitForFunction(() => {
        const state = JSON.parse(localStorage.getItem('store') || '{}');
        return state.room && state.room._id;
      }, null, { timeout: WAIT_MS });
      return handle.jsonValue();
    },
  };
}

module.exports = { openWidget };
