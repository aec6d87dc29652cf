// The live-visitors view moves as a visitor navigates: each page view (the site's tracker:
// page.visited and the session's page count) updates the visitor's row in place, live; a
// visitor who leaves goes from the list.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, eventually, checkA11y } = require('../lib/browser');

test('live visitors follow a visitor through the site', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const agent = await api.createAgent(admin, 'liv');
  const visitor = await api.visitor({ name: 'Lena Live', email: 'lena@example.com' });
  await visitor.message('I am browsing your shop');
  assert.equal(await visitor.visit('https://shop.example.com/', 'Home'), 1);
  const browser = await launch(t);
  const { page } = await openConsole(t, browser, server.url, agent, { label: 'agent', hash: '#/visitors' });
  await page.getByRole('heading', { name: 'Live visitors' }).waitFor();
  await page.evaluate(() => { window.__sameDocument = true; });

  const row = page.locator('table.live-visitors tbody tr', { hasText: 'lena@example.com' });
  const cell = (column) => row.locator(`td[data-label="${column}"]`);
  await row.waitFor();
  assert.equal(await cell('Visitor').locator('.name').textContent(), 'Lena Live');
  const shows = async (pages, title) => {
    await eventually(async () => (await cell('Pages').textContent()) === pages && (await cell('Current page').textContent()) === title,
      async () => `the row shows ${pages} pages, now on "${title}": ${await row.innerText()}`);
  };
  await shows('1', 'Home');
  await checkA11y(page, 'live visitors with a visitor');

  assert.equal(await visitor.visit('https://shop.example.com/cart', 'Cart'), 2);
  await shows('2', 'Cart');
  assert.equal(await cell('Current page').locator('a').getAttribute('href'), 'https://shop.example.com/cart');
  assert.equal(await visitor.visit('https://shop.example.com/checkout', 'Checkout'), 3);
  await shows('3', 'Checkout');
  assert.equal(await page.locator('table.live-visitors tbody tr').count(), 1, 'one row per visitor');

  await api.post('livechat/session.updateSessionStatus', { token: visitor.token, status: 'offline' });
  await row.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'all of it arrived without a reload');
});
