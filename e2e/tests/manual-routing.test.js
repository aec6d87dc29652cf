// Manual routing with two agents in two browser contexts: both see a waiting chat; one takes
// it and the other's queue loses it live; a forward moves it between their "My chats" live;
// returning it to the queue shows it waiting for both again.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, eventually, rowOf, dialogClosed } = require('../lib/browser');

test('take, forward and return to the queue, seen live by two agents', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Manual_Selection');
  const support = await api.createDepartment(admin, 'Support');
  // Forwarding needs transfer-livechat-guest, which this server gives managers only (Rocket.Chat
  // also gives it to agents), so these two agents are managers as well.
  const roles = ['user', 'livechat-agent', 'livechat-manager'];
  const alice = await api.createAgent(admin, 'alice', { name: 'Alice Agent', departments: [support], roles });
  const bob = await api.createAgent(admin, 'bob', { name: 'Bob Agent', departments: [support], roles });
  const browser = await launch(t);
  const a = (await openConsole(t, browser, server.url, alice, { label: 'alice' })).page;
  const b = (await openConsole(t, browser, server.url, bob, { label: 'bob' })).page;

  const visitor = await api.visitor({ name: 'Quentin Queue', department: support });
  await visitor.message('who can help me?');
  await rowOf(a, 'Waiting', visitor.rid).waitFor();
  await rowOf(b, 'Waiting', visitor.rid).waitFor();

  // Alice takes it.
  await a.getByRole('button', { name: 'Take the chat with Quentin Queue' }).click();
  await rowOf(a, 'My chats', visitor.rid).waitFor();
  await a.waitForURL(`**/#/chat/${visitor.rid}`);
  await a.locator('.chat-state', { hasText: 'With you' }).waitFor();
  await rowOf(b, 'Waiting', visitor.rid).waitFor({ state: 'detached' });
  assert.equal(await rowOf(b, 'My chats', visitor.rid).count(), 0);

  // Alice forwards it to Bob.
  await a.getByRole('toolbar', { name: 'Chat actions' }).getByRole('button', { name: 'Forward' }).click();
  const dialog = a.getByRole('dialog', { name: 'Forward chat' });
  const agentSelect = dialog.getByRole('combobox', { name: 'Agent' });
  await eventually(async () => (await agentSelect.locator(`option[value="${bob.userId}"]`).count()) === 1,
    async () => `Bob among the agents to forward to: ${await agentSelect.innerText()}`);
  assert.match(await agentSelect.locator(`option[value="${bob.userId}"]`).textContent(), /^(Bob Agent|bob)$/);
  assert.equal(await agentSelect.locator(`option[value="${alice.userId}"]`).count(), 0, 'not to oneself');
  await agentSelect.selectOption(bob.userId);
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Bob knows the billing side');
  await dialog.getByRole('button', { name: 'Forward' }).click();
  await dialogClosed(dialog);
  // Alice, still in the chat, sees the forward arrive in its log.
  const aliceLog = a.getByRole('log', { name: 'Messages' });
  await eventually(async () => /Alice Agent forwarded the chat to (Bob Agent|bob) \(Bob knows the billing side\)/.test(await aliceLog.innerText()),
    async () => `the forward with its comment in Alice's log: ${await aliceLog.innerText()}`);
  await rowOf(b, 'My chats', visitor.rid).waitFor();
  await rowOf(a, 'My chats', visitor.rid).waitFor({ state: 'detached' });

  assert.equal(await rowOf(a, 'Other open chats', visitor.rid).count() + await rowOf(a, 'My chats', visitor.rid).count(), 1,
    "Alice (a manager) still sees it once, among the others' chats");

  // Bob opens it and returns it to the queue.
  await rowOf(b, 'My chats', visitor.rid).click();
  await b.locator('.chat-state', { hasText: 'With you' }).waitFor();
  await b.getByRole('toolbar', { name: 'Chat actions' }).getByRole('button', { name: 'Return to queue' }).click();
  const back = b.getByRole('dialog', { name: 'Return to queue' });
  await back.getByRole('button', { name: 'Return to queue' }).click();
  await dialogClosed(back);
  await rowOf(a, 'Waiting', visitor.rid).waitFor();
  await rowOf(b, 'Waiting', visitor.rid).waitFor();
  await rowOf(b, 'My chats', visitor.rid).waitFor({ state: 'detached' });
  await b.locator('.chat-state', { hasText: 'Waiting in the queue' }).waitFor();
  assert.ok(await b.getByRole('toolbar', { name: 'Chat actions' }).getByRole('button', { name: 'Take this chat' }).isVisible());
});
