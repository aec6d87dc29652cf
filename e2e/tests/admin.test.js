// The administration screens, in the browser: an administrator gives managers the routing
// settings (Permissions); a manager then creates a department with two agents, switches routing
// to manual and retitles the widget (watching the preview change). Each change is checked over
// REST and where it acts: a new chat of the department waits in its agent's queue.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, checkA11y, eventually, rowOf, dialogClosed } = require('../lib/browser');

test('a manager sets up a department, manual routing and the widget title in the administration', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  const ann = await api.createAgent(admin, 'ann');
  await api.createAgent(admin, 'bob');
  const carl = await api.createAgent(admin, 'carl');
  await api.post('users.create', {
    name: 'Maya Manager', username: 'maya', email: 'maya@example.com', password: 'maya-password-1', roles: ['user', 'livechat-manager'],
  }, admin);
  const maya = await api.login('maya', 'maya-password-1');
  const browser = await launch(t);

  // The administrator lets managers change the routing settings (Permissions screen).
  const a = (await openConsole(t, browser, server.url, admin, { hash: '#/admin/permissions', label: 'admin' })).page;
  await a.getByRole('link', { name: 'Administration' }).waitFor();
  assert.equal(await a.getByRole('link', { name: 'Administration' }).getAttribute('aria-current'), 'page');
  await a.getByRole('searchbox', { name: 'Filter permissions' }).fill('privileged-setting');
  await eventually(async () => (await a.locator('table.permissions tbody tr:visible').count()) === 2, 'the filter leaves two rows');
  await checkA11y(a, 'permissions (admin)');
  for (const permission of ['view-privileged-setting', 'edit-privileged-setting']) {
    const box = a.getByRole('checkbox', { name: `${permission} for livechat-manager` });
    assert.equal(await box.isChecked(), false);
    await box.check();
    await eventually(async () => {
      const { update } = await api.get('permissions.listAll', admin);
      return update.find((p) => p._id === permission).roles.includes('livechat-manager');
    }, `${permission} given to managers`);
  }

  // The manager: Administration in the top bar; users are for administrators only.
  const m = (await openConsole(t, browser, server.url, maya, { hash: '#/admin/users', label: 'maya' })).page;
  await m.getByRole('note').filter({ hasText: 'Only administrators create and change user accounts' }).waitFor();
  await checkA11y(m, 'users (manager)');

  // Departments: a new one with Ann and Bob.
  await m.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Departments' }).click();
  await m.getByRole('heading', { name: 'Departments', level: 1 }).waitFor();
  await m.getByRole('button', { name: 'New department' }).click();
  const dialog = m.getByRole('dialog', { name: 'New department' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Support');
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill('support@example.com');
  await dialog.getByRole('checkbox', { name: 'ann', exact: true }).check();
  await dialog.getByRole('checkbox', { name: 'bob', exact: true }).check();
  await checkA11y(m, 'department dialog');
  await dialog.getByRole('button', { name: 'Save department' }).click();
  await dialogClosed(dialog);
  await m.getByRole('button', { name: 'Edit Support' }).waitFor();
  const { departments } = await api.get('livechat/department?text=Support', admin);
  assert.equal(departments.length, 1);
  const support = departments[0];
  assert.equal(support.email, 'support@example.com');
  const { agents } = await api.get(`livechat/department/${support._id}/agents`, admin);
  assert.deepEqual(agents.map((x) => x.username).sort(), ['ann', 'bob']);

  // Routing: manual (allowed to managers now).
  await m.getByRole('link', { name: 'Routing' }).click();
  const method = m.getByRole('combobox', { name: 'Routing method' });
  await method.waitFor();
  await checkA11y(m, 'routing');
  await method.selectOption('Manual_Selection');
  await m.getByRole('button', { name: 'Save routing' }).click();
  await eventually(async () => (await api.get('settings/Livechat_Routing_Method', admin)).value === 'Manual_Selection',
    'routing is manual');

  // Appearance: the title, seen in the preview before it is saved.
  await m.getByRole('link', { name: 'Appearance' }).click();
  const title = m.getByRole('textbox', { name: 'Title', exact: true });
  await title.waitFor();
  const preview = m.getByRole('figure', { name: 'Widget preview' });
  assert.equal(await preview.locator('.preview-title').first().textContent(), 'Rocket.Chat');
  await title.fill('Acme help desk');
  await eventually(async () => (await preview.locator('.preview-title').first().textContent()) === 'Acme help desk',
    'the preview shows the new title');
  await m.getByRole('textbox', { name: 'Title bar colour', exact: true }).fill('#0a7d33');
  await eventually(async () => (await preview.locator('.preview-header').first()
    .evaluate((el) => getComputedStyle(el).backgroundColor)) === 'rgb(10, 125, 51)', 'the preview takes the colour');
  await m.getByRole('button', { name: 'Copy snippet' }).waitFor();
  assert.match(await m.locator('pre.snippet').textContent(), new RegExp(`${server.url}/livechat/rocketchat-livechat.min.js`));
  await checkA11y(m, 'appearance');
  await m.getByRole('button', { name: 'Save appearance' }).click();
  await eventually(async () => {
    const { appearance } = await api.get('livechat/appearance', admin);
    const value = (id) => appearance.find((s) => s._id === id).value;
    return value('Livechat_title') === 'Acme help desk' && value('Livechat_title_color') === '#0a7d33';
  }, 'the appearance is saved');

  // Permissions are read-only for the manager.
  await m.getByRole('link', { name: 'Permissions' }).click();
  const box = m.getByRole('checkbox', { name: 'edit-privileged-setting for livechat-manager' });
  await box.waitFor();
  assert.equal(await box.isChecked(), true);
  assert.equal(await box.isDisabled(), true);
  await checkA11y(m, 'permissions (manager)');

  // The department and manual routing at work: Ann's queue shows the new chat; Carl (no
  // department) does not get it.
  const annPage = (await openConsole(t, browser, server.url, ann, { label: 'ann' })).page;
  const carlPage = (await openConsole(t, browser, server.url, carl, { label: 'carl' })).page;
  const visitor = await api.visitor({ name: 'Vera Visitor', department: support._id });
  await visitor.message('hello support');
  await rowOf(annPage, 'Waiting', visitor.rid).waitFor();
  await annPage.getByRole('button', { name: 'Take the chat with Vera Visitor' }).waitFor();
  const { room } = await api.get(`rooms.info?roomId=${visitor.rid}`, admin);
  assert.equal(room.servedBy, undefined, 'manual routing leaves the chat queued');
  assert.equal(await carlPage.locator(`a.chat-row[data-rid="${visitor.rid}"]`).count(), 0);

  // Current chats lists it, and its row opens the conversation.
  await m.getByRole('link', { name: 'Current chats' }).click();
  const link = m.getByRole('link', { name: 'Vera Visitor' });
  await link.waitFor();
  await checkA11y(m, 'current chats');
  await link.click();
  await m.locator('#chat-title', { hasText: 'Vera Visitor' }).waitFor();
});
