// Attention for a new waiting chat: the count in the tab title, a sound started (counted in
// <html data-sounds>), and a system notification only while the tab is hidden.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, eventually, rowOf } = require('../lib/browser');

// Records each Notification the page creates instead of showing it.
function captureNotifications() {
  const Real = window.Notification;
  window.__notifications = [];
  function Recorded(title, options = {}) {
    window.__notifications.push({ title, body: options.body, tag: options.tag });
    return { close() {}, onclick: null };
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recorded;
}

test('a new waiting chat raises the title count, a sound, and a notification when hidden', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Manual_Selection');
  const agent = await api.createAgent(admin, 'alma');
  const browser = await launch(t);
  const { page } = await openConsole(t, browser, server.url, agent, {
    label: 'agent', permissions: ['notifications'], initScripts: [captureNotifications],
  });
  await page.getByRole('list', { name: 'Waiting' }).waitFor({ state: 'attached' });
  assert.equal(await page.title(), 'Livechat');
  assert.equal(await page.evaluate(() => Notification.permission), 'granted');
  const sounds = () => page.evaluate(() => Number(document.documentElement.dataset.sounds ?? 0));
  const notifications = () => page.evaluate(() => window.__notifications);
  assert.equal(await sounds(), 0);

  // Visible tab: title and sound, no notification.
  const first = await api.visitor({ name: 'Vera Visible' });
  await first.message('hello while you look');
  await rowOf(page, 'Waiting', first.rid).waitFor();
  await eventually(async () => (await page.title()) === '(1) Livechat', async () => `title "(1) Livechat", got "${await page.title()}"`);
  await eventually(async () => (await sounds()) >= 1, 'a sound started');
  assert.deepEqual(await notifications(), [], 'no notification while the tab is visible');

  // Hidden tab: a notification as well.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const soundsBefore = await sounds();
  const second = await api.visitor({ name: 'Hugo Hidden' });
  await second.message('hello while you are away');
  await rowOf(page, 'Waiting', second.rid).waitFor();
  await eventually(async () => (await page.title()) === '(2) Livechat', async () => `title "(2) Livechat", got "${await page.title()}"`);
  await eventually(async () => (await sounds()) > soundsBefore, 'another sound started');
  const shown = await eventually(async () => {
    const list = await notifications();
    return list.some((n) => n.tag === second.rid) && list;
  }, async () => `a notification for the new chat: ${JSON.stringify(await notifications())}`);
  assert.ok(shown.every((n) => n.tag === second.rid), `only the hidden-tab chat notifies: ${JSON.stringify(shown)}`);
  assert.ok(shown.some((n) => n.title === 'New chat waiting' && n.body === 'Hugo Hidden'), JSON.stringify(shown));

  // Taking a chat takes it out of the count.
  await page.evaluate(() => {
    delete document.visibilityState;
    delete document.hidden;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.getByRole('button', { name: 'Take the chat with Vera Visible' }).click();
  await rowOf(page, 'My chats', first.rid).waitFor();
  await eventually(async () => (await page.title()) === '(1) Livechat', async () => `title "(1) Livechat" after taking, got "${await page.title()}"`);
});
