// Tags and offline messages in the administration: a manager creates a department's tag, finds
// the chat closed with it through the Current chats tag filter, removes the tag; then reads
// the offline messages newest first and marks one handled, which moves it to "Handled" with
// her name.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, checkA11y, eventually, dialogClosed } = require('../lib/browser');

test('a manager keeps tags, filters chats by tag and handles offline messages', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const sales = await api.createDepartment(admin, 'Sales');
  const mona = await api.createAgent(admin, 'mona', { departments: [sales], roles: ['user', 'livechat-agent', 'livechat-manager'] });
  const browser = await launch(t);
  const m = (await openConsole(t, browser, server.url, mona, { hash: '#/admin/tags', label: 'mona' })).page;
  const nav = m.getByRole('navigation', { name: 'Administration' });

  // Tags: "vip", offered in Sales' chats.
  await m.getByRole('heading', { name: 'Tags', level: 1 }).waitFor();
  await m.getByText('No tags yet.').waitFor();
  await m.getByRole('button', { name: 'New tag' }).click();
  let dialog = m.getByRole('dialog', { name: 'New tag' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('vip');
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Important customers');
  await dialog.getByRole('checkbox', { name: 'Sales' }).check();
  await checkA11y(m, 'tag dialog');
  await dialog.getByRole('button', { name: 'Save tag' }).click();
  await dialogClosed(dialog);
  await m.getByRole('button', { name: 'Edit vip' }).waitFor();
  await checkA11y(m, 'tags');
  const { tags } = await api.get('livechat/tags?viewAll=true', mona);
  assert.deepEqual(tags.map((tag) => [tag.name, tag.description, tag.departments]), [['vip', 'Important customers', [sales]]]);

  // Two chats closed, one with the tag; the filter finds that one.
  for (const [name, closingTags] of [['Vera Vip', ['vip']], ['Otto Other', []]]) {
    const visitor = await api.visitor({ name, department: sales });
    await visitor.message('hello');
    await eventually(async () => (await api.get(`rooms.info?roomId=${visitor.rid}`, mona)).room.servedBy?.username === 'mona',
      `${name}'s chat is routed to Mona`);
    await api.post('livechat/room.closeByUser', { rid: visitor.rid, comment: 'done', tags: closingTags }, mona);
  }
  await nav.getByRole('link', { name: 'Current chats' }).click();
  await m.getByRole('heading', { name: 'Current chats', level: 1 }).waitFor();
  await m.getByRole('link', { name: 'Otto Other' }).waitFor();
  const tagFilter = m.getByRole('combobox', { name: 'Tag' });
  await eventually(async () => (await tagFilter.locator('option').allTextContents()).includes('vip'), 'the tag filter offers vip');
  await tagFilter.selectOption('vip');
  await m.getByRole('button', { name: 'Filter' }).click();
  await m.getByRole('status').filter({ hasText: '1–1 of 1' }).waitFor();
  await m.getByRole('link', { name: 'Vera Vip' }).waitFor();
  assert.equal(await m.getByRole('link', { name: 'Otto Other' }).count(), 0);

  // Removing the tag.
  await nav.getByRole('link', { name: 'Tags' }).click();
  await m.getByRole('button', { name: 'Remove vip' }).click();
  dialog = m.getByRole('dialog', { name: 'Remove vip?' });
  await dialog.getByRole('button', { name: 'Remove tag' }).click();
  await dialogClosed(dialog);
  await m.getByText('No tags yet.').waitFor();
  assert.equal((await api.get('livechat/tags?viewAll=true', mona)).total, 0);

  // Offline messages: newest first; Olga's marked handled moves to "Handled".
  for (const [name, message] of [['Olga Older', 'Please call me back'], ['Nina Newer', 'Do you ship abroad?']]) {
    await api.post('livechat/offline.message', { name, email: `${name.split(' ')[0].toLowerCase()}@example.com`, message, department: sales });
  }
  await nav.getByRole('link', { name: 'Offline messages' }).click();
  await m.getByRole('heading', { name: 'Offline messages', level: 1 }).waitFor();
  const rows = m.locator('table.offline-messages tbody tr');
  await eventually(async () => (await rows.count()) === 2, 'both messages are listed');
  assert.match(await rows.nth(0).textContent(), /Nina Newer.*Sales.*Do you ship abroad\?/);
  assert.match(await rows.nth(1).textContent(), /Olga Older.*Please call me back/);
  await checkA11y(m, 'offline messages');
  await m.getByRole('button', { name: 'Mark handled: message from Olga Older' }).click();
  await eventually(async () => (await rows.count()) === 1, 'Olga\'s message leaves the waiting ones');
  await m.getByRole('combobox', { name: 'Show' }).selectOption('true');
  await m.getByText(/^By mona, /).waitFor();
  assert.match(await rows.nth(0).textContent(), /Olga Older/);
  const handled = await api.get('livechat/offline.messages?handled=true', mona);
  assert.deepEqual(handled.messages.map((msg) => [msg.name, msg.handled, msg.handledBy.username]), [['Olga Older', true, 'mona']]);
});
