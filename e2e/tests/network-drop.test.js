// The network between the console and the server is cut (a TCP proxy drops every connection and
// refuses new ones) and restored: the top bar says so, the console reconnects by itself and
// catches up; what the visitor wrote meanwhile appears once each, in order; an agent reply
// typed during the outage is not lost and not duplicated; a request lost on the way does not
// close the open chat.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { startProxy } = require('../lib/proxy');
const { launch, openConsole, connected, eventually } = require('../lib/browser');

test('a dropped connection shows, reconnects and loses nothing', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const proxy = await startProxy(server.port);
  t.after(() => proxy.close());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const agent = await api.createAgent(admin, 'nora');
  const visitor = await api.visitor({ name: 'Otto Offline' });
  await visitor.message('before the outage');
  const browser = await launch(t);
  // The console talks to the server only through the proxy; the visitor talks to it directly.
  const { page } = await openConsole(t, browser, proxy.url, agent, { label: 'agent', hash: `#/chat/${visitor.rid}` });
  const log = page.getByRole('log', { name: 'Messages' });
  await log.locator('li.message', { hasText: 'before the outage' }).waitFor();
  const status = page.locator('header.topbar [role=status].connection');

  proxy.drop();
  await eventually(async () => (await status.textContent()) === 'Connection lost, reconnecting…',
    async () => `the status says the connection is lost, got "${await status.textContent()}"`);
  assert.equal(await status.getAttribute('data-state'), 'offline');

  const missed = ['missed one', 'missed two', 'missed three'];
  for (const text of missed) await visitor.message(text);
  const reply = 'typed while the network was down';
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(reply);
  await composer.press('Enter');
  // It cannot reach the server now: either still in the box, or queued (not shown as sent twice).
  await eventually(async () => (await composer.inputValue()) === reply || (await log.locator('li.message', { hasText: reply }).count()) <= 1,
    'the reply is kept');

  proxy.restore();
  await connected(page, 15_000);
  for (const text of missed) {
    await log.locator('li.message', { hasText: text }).first().waitFor();
  }
  const order = await log.locator('li.message .text').allTextContents();
  const positions = missed.map((text) => order.indexOf(text));
  assert.deepEqual(missed.map((text) => order.filter((o) => o === text).length), [1, 1, 1], `each once: ${JSON.stringify(order)}`);
  assert.ok(positions[0] < positions[1] && positions[1] < positions[2], `in order: ${JSON.stringify(order)}`);
  assert.equal(order.filter((o) => o === 'before the outage').length, 1, 'the earlier message is still shown once');

  // The reply: sent now if it waited in the box, and then exactly once.
  if ((await composer.inputValue()) === reply) await composer.press('Enter');
  await eventually(async () => (await log.locator('li.message', { hasText: reply }).count()) === 1, 'the reply shows once');
  await eventually(async () => (await composer.inputValue()) === '', 'the composer is empty once sent');
  const { messages } = await api.get(`livechat/${visitor.rid}/messages`, agent);
  assert.equal(messages.filter((m) => m.msg === reply).length, 1, 'the server stored the reply once');
  assert.deepEqual(messages.filter((m) => missed.includes(m.msg)).map((m) => m.msg), missed);
  // Still live after the reconnect.
  await visitor.message('after the outage');
  await log.locator('li.message', { hasText: 'after the outage' }).waitFor();
  assert.equal(await log.locator('li.message', { hasText: 'after the outage' }).count(), 1);

  // A refresh of the room lost to the network (here: the one after the next reconnect) does
  // not throw the agent out of the open chat; only the server saying no would.
  let lost = 0;
  await page.route('**/api/v1/rooms.info*', (route) => {
    lost += 1;
    return route.abort('connectionreset');
  });
  proxy.drop();
  await eventually(async () => (await status.getAttribute('data-state')) === 'offline', 'offline again');
  proxy.restore();
  await connected(page, 15_000);
  await eventually(() => lost > 0, 'the reconnect refreshed the room (and that request was lost)');
  await page.unroute('**/api/v1/rooms.info*');
  // The failed request's handler runs in the page right after the abort; give it that turn.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
  assert.ok((await page.evaluate(() => location.hash)).startsWith(`#/chat/${visitor.rid}`), 'still in the chat');
  assert.ok(await composer.isVisible(), 'the composer is still there');
});
