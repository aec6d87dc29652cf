// First run: a server without an administrator offers to create one at / (from loopback no
// set-up code is asked); the new administrator lands in the desk, stays logged in across a
// reload, logs out to the log-in screen and logs in again.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { launch, openConsole, connected, checkA11y } = require('../lib/browser');

test('first-run set-up creates the administrator and logs it in', async (t) => {
  const server = await startServer({ admin: false });
  t.after(() => server.stop());
  const browser = await launch(t);
  const { page } = await openConsole(t, browser, server.url, null, { label: 'first run' });

  const form = page.getByRole('form', { name: 'Create the administrator' });
  await page.getByRole('heading', { name: 'Create the administrator' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Set-up code' }).count(), 0, 'no set-up code from loopback');
  await checkA11y(page, 'first run');

  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('First Admin');
  await form.getByRole('textbox', { name: 'Username' }).fill('boss');
  await form.getByRole('textbox', { name: 'E-mail' }).fill('boss@example.com');
  await form.getByLabel('Password').fill('a-long-password-1');
  await form.getByRole('button', { name: 'Create administrator' }).click();

  // The desk, logged in as the new administrator.
  await connected(page);
  await page.getByRole('navigation', { name: 'Inbox' }).waitFor();
  assert.equal(await page.locator('header.topbar .whoami').textContent(), 'boss');

  await page.reload();
  await connected(page);
  assert.equal(await page.locator('header.topbar .whoami').textContent(), 'boss', 'still logged in after a reload');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('Meteor.loginToken')), null, 'the token is forgotten');
  assert.equal(await page.getByRole('heading', { name: 'Create the administrator' }).count(), 0, 'set-up is over');

  await page.getByRole('textbox', { name: 'Username or e-mail' }).fill('boss@example.com');
  await page.getByLabel('Password').fill('a-long-password-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await connected(page);
  assert.equal(await page.locator('header.topbar .whoami').textContent(), 'boss');
});

test('a wrong password is refused on the log-in screen', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const browser = await launch(t);
  const { page } = await openConsole(t, browser, server.url, null, { label: 'log-in' });
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await page.getByRole('textbox', { name: 'Username or e-mail' }).fill(server.admin.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username, e-mail or password.' }).waitFor();
  await page.getByLabel('Password').fill(server.admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await connected(page);
});
