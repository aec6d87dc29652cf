// The Webhooks screen: an administrator points the desk at a CRM (a receiver started here),
// sets the secret and the events, saves, and sends a test that the CRM receives with the
// secret header; a CRM answering 500 shows why the test failed. Checked at 1280 and 390 px.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, checkA11y, eventually } = require('../lib/browser');

/** A CRM on 127.0.0.1 that records requests and answers `status()`. */
async function startCrm(status) {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      received.push({ token: req.headers['x-rocketchat-livechat-token'], body: JSON.parse(body) });
      res.writeHead(status());
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, received, close: () => server.close() };
}

test('an administrator configures webhooks and sends a test', async (t) => {
  const server = await startServer({ env: { LIVECHAT_ALLOW_PRIVATE_NETWORK_WEBHOOKS: 'true' } });
  t.after(() => server.stop());
  let answer = 200;
  const crm = await startCrm(() => answer);
  t.after(() => crm.close());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  const browser = await launch(t);
  const shots = process.env.SCREENSHOT_DIR ?? os.tmpdir();

  for (const [label, viewport] of [['wide', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const { page } = await openConsole(t, browser, server.url, admin, { hash: '#/admin/webhooks', label, viewport });
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    const url = page.getByRole('textbox', { name: 'Webhook URL' });
    await url.fill(crm.url);
    await page.getByRole('textbox', { name: 'Secret token' }).fill('e2e-secret');
    await page.getByRole('spinbutton', { name: 'Timeout (ms)' }).fill('2000');
    await page.getByRole('checkbox', { name: 'A visitor sends a message' }).check();
    await page.getByRole('checkbox', { name: /lead capture/ }).check();
    await page.getByRole('button', { name: 'Save webhooks' }).click();
    await eventually(async () => {
      const { settings } = await api.get('livechat/integrations.settings', admin);
      const value = (id) => settings.find((s) => s._id === id).value;
      return value('Livechat_webhookUrl') === crm.url && value('Livechat_secret_token') === '********'
        && value('Livechat_http_timeout') === 2000 && value('Livechat_webhook_on_visitor_message') === true
        && (await api.get('settings/Livechat_webhook_on_capture', admin)).value === true;
    }, 'the settings are saved');

    answer = 200;
    const before = crm.received.length;
    await page.getByRole('button', { name: 'Send a test' }).click();
    await page.getByRole('status').filter({ hasText: 'the test was delivered' }).waitFor();
    assert.equal(crm.received.length, before + 1);
    assert.equal(crm.received.at(-1).token, 'e2e-secret');
    assert.equal(crm.received.at(-1).body.type, 'LivechatSession');

    answer = 500;
    await page.getByRole('button', { name: 'Send a test' }).click();
    await page.getByRole('status').filter({ hasText: 'HTTP 500' }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${label}: the page is ${width} px wide`);
    await checkA11y(page, `webhooks (${label})`);
    await page.screenshot({ path: path.join(shots, `webhooks-${label}.png`), fullPage: true });
  }
});
