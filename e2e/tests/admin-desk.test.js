// The desk's administration screens, in the browser: a manager creates a custom field, a
// trigger and a canned response in the console, and each is seen where it acts: the field in
// the visitor panel's edit form, the trigger's message in the official widget, the canned
// response offered by `!shortcut` in the composer.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, checkA11y, eventually, dialogClosed, WAIT_MS } = require('../lib/browser');

test('a manager creates a custom field, a trigger and a canned response in the administration', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  // A manager who is also an available agent: the chat below is routed to her, and the
  // trigger's `queue` sender has someone to show.
  const mona = await api.createAgent(admin, 'mona', {
    name: 'Mona Manager',
    roles: ['user', 'livechat-agent', 'livechat-manager'],
  });
  const browser = await launch(t);
  const m = (await openConsole(t, browser, server.url, mona, { hash: '#/admin/custom-fields', label: 'mona' })).page;
  const nav = m.getByRole('navigation', { name: 'Administration' });

  // Custom fields: a new public visitor field.
  await m.getByRole('heading', { name: 'Custom fields', level: 1 }).waitFor();
  await m.getByRole('button', { name: 'New custom field' }).click();
  let dialog = m.getByRole('dialog', { name: 'New custom field' });
  await dialog.getByRole('textbox', { name: 'Field name' }).fill('company');
  await dialog.getByRole('textbox', { name: 'Label' }).fill('Company');
  await dialog.getByRole('checkbox', { name: "Asked on the widget's registration form" }).check();
  await checkA11y(m, 'custom field dialog');
  await dialog.getByRole('button', { name: 'Save custom field' }).click();
  await dialogClosed(dialog);
  await m.getByRole('button', { name: 'Edit Company' }).waitFor();
  await checkA11y(m, 'custom fields');
  const { customField } = await api.get('livechat/custom-fields/company', mona);
  assert.equal(customField.label, 'Company');
  assert.equal(customField.public, true);

  // Triggers: after two seconds on the site, a greeting.
  const greeting = `Need a hand? ${Date.now()}`;
  await nav.getByRole('link', { name: 'Triggers' }).click();
  await m.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
  await m.getByRole('button', { name: 'New trigger' }).click();
  dialog = m.getByRole('dialog', { name: 'New trigger' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('welcome');
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Greets visitors');
  assert.equal(await dialog.getByRole('combobox', { name: 'Condition 1' }).inputValue(), 'time-on-site');
  await dialog.getByRole('textbox', { name: 'Value of condition 1' }).fill('2');
  await dialog.getByRole('textbox', { name: 'Message' }).fill(greeting);
  await checkA11y(m, 'trigger dialog');
  await dialog.getByRole('button', { name: 'Save trigger' }).click();
  await dialogClosed(dialog);
  await m.getByRole('button', { name: 'Disable welcome' }).waitFor();
  await checkA11y(m, 'triggers');
  const { config } = await api.get('livechat/config');
  assert.equal(config.triggers.length, 1, JSON.stringify(config.triggers));
  assert.deepEqual(config.customFields.map((f) => f._id), ['company']);

  // Canned responses: a global one.
  await nav.getByRole('link', { name: 'Canned responses' }).click();
  await m.getByRole('heading', { name: 'Canned responses', level: 1 }).waitFor();
  await m.getByRole('button', { name: 'New canned response' }).click();
  dialog = m.getByRole('dialog', { name: 'New canned response' });
  await dialog.getByRole('textbox', { name: 'Shortcut' }).fill('thanks');
  await dialog.getByRole('textbox', { name: 'Text' }).fill('Thank you for waiting!');
  await checkA11y(m, 'canned response dialog');
  await dialog.getByRole('button', { name: 'Save canned response' }).click();
  await dialogClosed(dialog);
  await m.getByRole('button', { name: 'Edit !thanks' }).waitFor();
  await checkA11y(m, 'canned responses');

  // The trigger in the official widget: a fresh visitor sees the greeting without writing.
  const context = await browser.newContext();
  t.after(() => context.close());
  const widget = await context.newPage();
  await widget.goto(`${server.url}/livechat`);
  await widget.getByText(greeting).first().waitFor({ state: 'visible', timeout: WAIT_MS });

  // A chat routed to Mona: the edit form offers the new field; `!tha` offers the response.
  const visitor = await api.visitor({ name: 'Vera Visitor' });
  await visitor.message('hello');
  await eventually(async () => (await api.get(`rooms.info?roomId=${visitor.rid}`, mona)).room.servedBy?.username === 'mona',
    'the chat is routed to Mona');
  await m.goto(`${server.url}/#/chat/${visitor.rid}`);
  await m.locator('#chat-title', { hasText: 'Vera Visitor' }).waitFor();
  const panel = m.getByRole('complementary', { name: 'Visitor' });
  await panel.getByRole('button', { name: 'Edit visitor and chat' }).click();
  await panel.getByRole('textbox', { name: 'Company' }).fill('Acme');
  await panel.getByRole('button', { name: 'Save' }).click();
  await eventually(async () => {
    const { visitor: info } = await api.get(`livechat/visitors.info?visitorId=${visitor.visitor._id}`, mona);
    return info.livechatData?.company === 'Acme';
  }, 'the custom field is saved on the visitor');

  const composer = m.getByRole('textbox', { name: 'Message' });
  await composer.click();
  await composer.pressSequentially('!tha');
  const option = m.getByRole('listbox', { name: 'Canned responses' }).getByRole('option', { name: /!thanks/ });
  await option.waitFor();
  await composer.press('Enter');
  await eventually(async () => (await composer.inputValue()) === 'Thank you for waiting!', 'the response is inserted');

  // A response saved now (its list was read a moment ago) is offered at once: the composer
  // follows stream-canned-responses instead of waiting for its next re-read.
  await api.post('canned-responses', { shortcut: 'bye', text: 'Goodbye and thanks!', scope: 'global' }, mona);
  await composer.fill('');
  await composer.pressSequentially('!by');
  await m.getByRole('listbox', { name: 'Canned responses' }).getByRole('option', { name: /!bye/ }).waitFor();
  await composer.press('Enter');
  await eventually(async () => (await composer.inputValue()) === 'Goodbye and thanks!', 'the new response is inserted');
});
