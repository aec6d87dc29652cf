// Visitor-controlled text with HTML and script payloads shows as literal text everywhere the
// console shows it: the inbox row, the conversation header, the message log, the visitor panel,
// live visitors and search; nothing runs (`window.__xss` stays undefined, no dialog opens).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, eventually, rowOf } = require('../lib/browser');
const { openWidget } = require('../lib/widget');

const NAME = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=2</script>';
const BOLD = '<b onmouseover=window.__xss=3>hover me</b>';

test('script and onerror payloads stay text', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const agent = await api.createAgent(admin, 'xavier');
  const browser = await launch(t);
  // The visitor uses the real widget, so it is also on the site (a live-visitors session).
  const widget = await openWidget(t, browser, server.url, { name: NAME, email: 'payload@example.com' });
  await widget.send('hello');
  const visitor = { rid: await widget.roomId(), token: await widget.token() };
  // The payloads as the widget would post them (its own rendering is not under test).
  for (const msg of [SCRIPT, BOLD]) await api.post('livechat/message', { token: visitor.token, rid: visitor.rid, msg });
  await api.trackVisit(visitor.token, visitor.rid, 'https://shop.example.com/<img src=y onerror=window.__xss=4>', '<img src=z onerror=window.__xss=5>');
  const { page, problems } = await openConsole(t, browser, server.url, agent, { label: 'agent' });

  const noInjection = async (where) => {
    assert.equal(await page.evaluate(() => window.__xss), undefined, `${where}: a payload ran`);
    assert.equal(await page.locator('img[src="x"], img[src="y"], img[src="z"], b[onmouseover], script:not([src])').count(), 0,
      `${where}: payload markup became elements`);
    assert.deepEqual(problems.dialogs, [], `${where}: a dialog opened`);
  };

  const row = rowOf(page, 'My chats', visitor.rid);
  await row.waitFor();
  assert.equal(await row.locator('.name').textContent(), NAME);
  await eventually(async () => (await row.locator('.preview').textContent()) === BOLD, 'the row shows the last message as text');
  await noInjection('inbox');

  await row.click();
  await page.locator('#chat-title').filter({ hasText: NAME }).waitFor();
  assert.equal(await page.locator('#chat-title').textContent(), NAME);
  const log = page.getByRole('log', { name: 'Messages' });
  await log.locator('li.message .text', { hasText: BOLD }).waitFor();
  assert.deepEqual(await log.locator('li.message.visitor .text').allTextContents(), ['hello', SCRIPT, BOLD]);
  await log.locator('li.message .text', { hasText: BOLD }).hover();
  const panel = page.getByRole('complementary', { name: 'Visitor' });
  await panel.getByText(NAME, { exact: true }).first().waitFor();
  await noInjection('conversation and visitor panel');

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Live visitors' }).click();
  await page.waitForURL('**/#/visitors');
  const visitorRow = page.locator('table.live-visitors tbody tr', { hasText: 'payload@example.com' });
  await visitorRow.waitFor();
  assert.equal(await visitorRow.locator('td[data-label="Visitor"] .name').textContent(), NAME);
  await eventually(async () => (await visitorRow.locator('td[data-label="Current page"]').textContent()) === '<img src=z onerror=window.__xss=5>',
    async () => `the page title shows as text: ${await visitorRow.innerText()}`);
  await noInjection('live visitors');

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Search' }).click();
  await page.waitForURL('**/#/search');
  const box = page.getByRole('searchbox', { name: 'Search conversations' });
  await box.fill('payload@example.com');
  await box.press('Enter');
  const found = page.getByRole('list', { name: 'Conversations found' });
  await found.getByText(NAME, { exact: true }).first().waitFor();
  await page.evaluate(() => {}); // let any injected handler run before checking
  await noInjection('search');
});
