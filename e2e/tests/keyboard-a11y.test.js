// Accessibility (axe-core: no serious or critical violation) on each screen and dialog, and
// the keyboard shortcuts: Alt+ArrowDown / Alt+ArrowUp next / previous chat, Alt+R the
// composer, Alt+X the close dialog, `?` the help, Esc closes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, checkA11y, eventually, rowOf } = require('../lib/browser');

test('every screen passes axe-core, and the keyboard moves through the desk', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const agent = await api.createAgent(admin, 'kim', { name: 'Kim Agent' });
  // Agents may forward here (Rocket.Chat's default keeps it for managers), so the forward
  // dialog is offered to Kim and can be checked.
  await api.post('permissions.update', {
    permissions: [{ _id: 'transfer-livechat-guest', roles: ['admin', 'livechat-manager', 'livechat-agent'] }],
  }, admin);
  // Two chats served by Kim, one after the other (so their order in "My chats" is known).
  const first = await api.visitor({ name: 'First Visitor' });
  await first.message('first question');
  const second = await api.visitor({ name: 'Second Visitor' });
  await second.message('second question');
  await first.visit('https://shop.example.com/', 'Home'); // on the site: a live-visitors row
  const browser = await launch(t);

  await t.test('log-in screen', async (t) => {
    const { page } = await openConsole(t, browser, server.url, null, { label: 'log-in' });
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await checkA11y(page, 'log in');
  });

  const { page } = await openConsole(t, browser, server.url, agent, { label: 'agent' });
  // Focus on nothing in particular (as after a click on the page's background).
  const blur = () => page.evaluate(() => document.activeElement?.blur());
  const mine = page.getByRole('list', { name: 'My chats' });
  await eventually(async () => (await mine.locator('a.chat-row').count()) === 2, 'both chats in My chats');

  await t.test('inbox', async () => {
    await checkA11y(page, 'inbox');
  });

  await t.test('keyboard: Alt+ArrowDown opens the next chat, Alt+R focuses the composer', async () => {
    const order = await mine.locator('a.chat-row').evaluateAll((links) => links.map((a) => a.dataset.rid));
    assert.deepEqual(new Set(order), new Set([first.rid, second.rid]));
    await blur();
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForURL(`**/#/chat/${order[0]}`, { timeout: 10_000 });
    await page.getByRole('log', { name: 'Messages' }).locator('li.message').first().waitFor();
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForURL(`**/#/chat/${order[1]}`, { timeout: 10_000 });
    await page.locator('#chat-title', { hasText: order[1] === first.rid ? 'First Visitor' : 'Second Visitor' }).waitFor();
    // Opening a chat focuses its composer once the messages and the visitor panel are in
    // (wide screens only): wait for that, so the blur below cannot come before it.
    await eventually(() => page.evaluate(() => document.activeElement?.id === 'composer'), 'the opened chat focuses its composer');
    await blur();
    assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'composer');
    await page.keyboard.press('Alt+r');
    await eventually(() => page.evaluate(() => document.activeElement?.id === 'composer'), 'Alt+R focuses the composer');
    assert.ok(await rowOf(page, 'My chats', order[1]).getAttribute('aria-current'), 'the open chat is marked current');
    await page.keyboard.press('Alt+ArrowUp');
    await page.waitForURL(`**/#/chat/${order[0]}`, { timeout: 10_000 });
    await page.getByRole('toolbar', { name: 'Chat actions' }).getByRole('button', { name: 'Close chat' }).waitFor();
    await page.keyboard.press('Alt+x');
    const close = page.getByRole('dialog', { name: 'Close chat' });
    await close.waitFor();
    await page.keyboard.press('Escape');
    await close.waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForURL(`**/#/chat/${order[1]}`, { timeout: 10_000 });
  });

  await t.test('conversation', async () => {
    await page.getByRole('log', { name: 'Messages' }).locator('li.message').first().waitFor();
    await checkA11y(page, 'conversation');
  });

  await t.test('the close and forward dialogs', async () => {
    await page.getByRole('toolbar', { name: 'Chat actions' }).getByRole('button', { name: 'Close chat' }).click();
    const close = page.getByRole('dialog', { name: 'Close chat' });
    await close.waitFor();
    await close.getByRole('textbox', { name: 'Comment' }).waitFor();
    await checkA11y(page, 'close dialog');
    await page.keyboard.press('Escape');
    await close.waitFor({ state: 'detached' });

    await page.getByRole('toolbar', { name: 'Chat actions' }).getByRole('button', { name: 'Forward' }).click();
    const forward = page.getByRole('dialog', { name: 'Forward chat' });
    await forward.getByRole('combobox', { name: 'Agent' }).waitFor();
    await checkA11y(page, 'forward dialog');
    await page.keyboard.press('Escape');
    await forward.waitFor({ state: 'detached' });
  });

  await t.test('keyboard: ? opens the shortcuts, Esc closes them', async () => {
    await blur();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    assert.ok(await help.getByText('Next chat').isVisible());
    await checkA11y(page, 'keyboard shortcuts dialog');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  });

  await t.test('live visitors', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Live visitors' }).click();
    await page.waitForURL('**/#/visitors');
    await page.locator('table.live-visitors tbody tr', { hasText: 'First Visitor' }).waitFor();
    await checkA11y(page, 'live visitors');
  });

  await t.test('search', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Search' }).click();
    await page.waitForURL('**/#/search');
    const box = page.getByRole('searchbox', { name: 'Search conversations' });
    await box.fill('question');
    await box.press('Enter');
    const found = page.getByRole('list', { name: 'Conversations found' });
    await found.getByText('First Visitor').first().waitFor();
    await found.getByText('Second Visitor').first().waitFor();
    await checkA11y(page, 'search with results');
  });
});
