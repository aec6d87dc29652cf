// Triggers run by the official widget: a manager saves an enabled `time-on-site` trigger with a
// `send-message` action over REST, and a fresh visitor who opens the widget page sees the
// trigger's message within seconds without writing anything (the widget shows it locally; no
// message is posted to the server).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, WAIT_MS } = require('../lib/browser');

test("a time-on-site trigger shows its message in a fresh visitor's widget", async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  // An available agent, so that the `queue` sender has someone to show (`livechat/agent.next`).
  const manager = await api.createAgent(admin, 'mona', {
    name: 'Mona Manager',
    roles: ['user', 'livechat-agent', 'livechat-manager'],
  });

  const msg = `Need a hand? ${Date.now()}`;
  await api.post('livechat/triggers', {
    name: 'welcome',
    description: 'Greets visitors after two seconds',
    enabled: true,
    runOnce: false,
    conditions: [{ name: 'time-on-site', value: '2' }],
    actions: [{ name: 'send-message', params: { sender: 'queue', msg } }],
  }, manager);
  const { config } = await api.get('livechat/config');
  assert.equal(config.triggers.length, 1, JSON.stringify(config.triggers));

  const browser = await launch(t);
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  const posted = [];
  page.on('request', (request) => {
    if (request.method() !== 'GET' && /\/api\/v1\/livechat\/message\b/.test(request.url())) posted.push(request.url());
  });

  const opened = Date.now();
  await page.goto(`${server.url}/livechat`);
  try {
    await page.getByText(msg).first().waitFor({ state: 'visible', timeout: WAIT_MS });
  } catch (error) {
    const text = await page.evaluate(() => document.body?.innerText).catch(() => '?');
    console.error(`== widget text:\n${text}\n== widget console:\n${log.join('\n')}`);
    throw error;
  }
  const waited = Date.now() - opened;
  assert.ok(waited >= 1_500, `the message waited for the time on site (${waited} ms)`);
  assert.deepEqual(posted, [], 'the visitor wrote nothing');
});
