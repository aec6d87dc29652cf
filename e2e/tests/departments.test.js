// Department isolation in two browser contexts: an agent of department A never sees a chat of
// department B, not in its inbox and not by opening its address; B's agent sees it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, rowOf } = require('../lib/browser');

test("an agent of one department cannot see another department's chat", async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Manual_Selection');
  const depA = await api.createDepartment(admin, 'Apples');
  const depB = await api.createDepartment(admin, 'Bananas');
  const ann = await api.createAgent(admin, 'ann', { departments: [depA] });
  const ben = await api.createAgent(admin, 'ben', { departments: [depB] });
  const browser = await launch(t);
  const a = (await openConsole(t, browser, server.url, ann, { label: 'ann' })).page;
  const b = (await openConsole(t, browser, server.url, ben, { label: 'ben' })).page;

  const forA = await api.visitor({ name: 'Alma Apple', department: depA });
  await forA.message('about apples');
  const forB = await api.visitor({ name: 'Bruno Banana', department: depB });
  await forB.message('about bananas');

  // Both consoles are live (each sees its own department's chat) ...
  await rowOf(a, 'Waiting', forA.rid).waitFor();
  await rowOf(b, 'Waiting', forB.rid).waitFor();
  // ... and neither sees the other's.
  assert.equal(await a.locator(`a.chat-row[data-rid="${forB.rid}"]`).count(), 0);
  assert.equal(await b.locator(`a.chat-row[data-rid="${forA.rid}"]`).count(), 0);
  assert.equal(await a.getByText('Bruno Banana').count(), 0);

  // Ben takes his chat; Ann still does not see it, and cannot open it by its address.
  await b.getByRole('button', { name: 'Take the chat with Bruno Banana' }).click();
  await rowOf(b, 'My chats', forB.rid).waitFor();
  await b.getByRole('log', { name: 'Messages' }).locator('li.message', { hasText: 'about bananas' }).waitFor();
  // A plain agent may close its chat but not forward it (`transfer-livechat-guest` is the
  // managers' by default): the console offers only what the server will accept.
  const actions = b.getByRole('toolbar', { name: 'Chat actions' });
  await actions.getByRole('button', { name: 'Close chat' }).waitFor();
  assert.equal(await actions.getByRole('button', { name: 'Forward' }).count(), 0, 'no Forward without the permission');

  await a.goto(`${server.url}/#/chat/${forB.rid}`);
  await a.locator('#chat-title', { hasText: 'This chat cannot be opened' }).waitFor();
  assert.equal(await a.getByText('about bananas').count(), 0, 'no message of the chat is shown');
  assert.equal(await a.getByText('Bruno Banana').count(), 0, 'not even the visitor name');
  assert.equal(await a.getByRole('textbox', { name: 'Message' }).count(), 0, 'no composer');
  await rowOf(a, 'Waiting', forA.rid).waitFor();
  assert.equal(await a.locator(`a.chat-row[data-rid="${forB.rid}"]`).count(), 0);
});
