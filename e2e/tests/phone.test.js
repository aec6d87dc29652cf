// Phone width (390×844): no horizontal scrolling on the inbox, a conversation (with "Back to
// inbox"), live visitors and search; the composer and Send are visible and work.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, rowOf } = require('../lib/browser');

test('the console fits a 390 px wide phone', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const agent = await api.createAgent(admin, 'pia', { name: 'Pia Phone' });
  const visitor = await api.visitor({ name: 'Maximilian Longname-Verylongfamilyname' });
  await visitor.message(`A long line without spaces: ${'x'.repeat(120)} and https://example.com/${'path/'.repeat(20)}`);
  await visitor.visit(`https://shop.example.com/${'a-very-long-product-name-'.repeat(5)}`, 'A product page with a very long title indeed');
  const browser = await launch(t);
  const { page } = await openConsole(t, browser, server.url, agent, { label: 'phone', viewport: { width: 390, height: 844 } });
  const fits = async (where) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${where}: the page is ${width} px wide`);
  };

  const row = rowOf(page, 'My chats', visitor.rid);
  await row.waitFor();
  await fits('inbox');

  await row.click();
  const log = page.getByRole('log', { name: 'Messages' });
  await log.locator('li.message').first().waitFor();
  await fits('conversation');
  const back = page.getByRole('button', { name: 'Back to inbox' });
  assert.ok(await back.isVisible(), 'Back to inbox is shown');
  assert.equal(await page.getByRole('navigation', { name: 'Inbox' }).isVisible(), false, 'one pane at a time');
  const composer = page.getByRole('textbox', { name: 'Message' });
  const send = page.getByRole('button', { name: 'Send' });
  for (const [name, element] of [['composer', composer], ['Send', send]]) {
    assert.ok(await element.isVisible(), `${name} is visible`);
    const box = await element.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844, `${name} is on screen: ${JSON.stringify(box)}`);
  }
  await composer.tap().catch(() => composer.click());
  await composer.fill('Answered from a phone');
  await send.click();
  await log.locator('li.message.own', { hasText: 'Answered from a phone' }).waitFor();
  await fits('conversation after sending');

  await back.click();
  await page.waitForURL((url) => !url.hash.startsWith('#/chat/'));
  await row.waitFor();
  await fits('inbox again');

  const sections = page.getByRole('navigation', { name: 'Sections' });
  await sections.getByRole('link', { name: 'Live visitors' }).click();
  await page.locator('table.live-visitors tbody tr', { hasText: 'Maximilian' }).waitFor();
  await fits('live visitors');

  await sections.getByRole('link', { name: 'Search' }).click();
  const box = page.getByRole('searchbox', { name: 'Search conversations' });
  await box.fill('Maximilian');
  await box.press('Enter');
  await page.getByRole('list', { name: 'Conversations found' }).getByText('Maximilian', { exact: false }).first().waitFor();
  await fits('search with results');
});
