// Mail in the console, against a real SMTP server (aiosmtpd, Maildir): an administrator sets
// the mail server on the E-mail screen and sends a test to itself; an offline message that
// waited while SMTP was unset is then delivered and the Outbox screen counts it sent; an agent
// asks for a chat's transcript from the chat actions and it is mailed when the chat closes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, checkA11y, eventually, dialogClosed } = require('../lib/browser');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** aiosmtpd on a free port writing a Maildir; `mails()` reads what it received. */
async function startSmtp(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-smtp-'));
  for (const sub of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(dir, sub));
  const port = await freePort();
  const child = spawn('aiosmtpd', ['-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', dir], {
    stdio: 'ignore',
  });
  child.on('error', (error) => {
    throw new Error(`aiosmtpd must be installed (apt-get install -y python3-aiosmtpd): ${error.message}`);
  });
  t.after(() => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await eventually(
    () => new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    }),
    'aiosmtpd listens',
  );
  const mails = () => fs.readdirSync(path.join(dir, 'new')).map((f) => fs.readFileSync(path.join(dir, 'new', f), 'utf8'));
  return { port, mails };
}

test('an administrator configures mail, tests it, watches the outbox; an agent sends a transcript', async (t) => {
  const smtp = await startSmtp(t);
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const root = await api.login(server.admin.username, server.admin.password);
  await api.post('users.create', {
    name: 'Ada Admin', username: 'ada', email: 'ada@example.com', password: 'ada-password-1', roles: ['user', 'admin'],
  }, root);
  const ada = await api.login('ada', 'ada-password-1');

  // An offline message before SMTP is set: it waits in the outbox.
  await api.post('settings/Livechat_offline_email', { value: 'support@example.com' }, ada);
  await api.post('livechat/offline.message', { name: 'Walt', email: 'walt@example.org', message: 'Call me back' });

  const browser = await launch(t);
  const { page } = await openConsole(t, browser, server.url, ada, { hash: '#/admin/email', label: 'ada' });
  await page.getByRole('heading', { name: 'E-mail', level: 1 }).waitFor();
  await page.getByRole('textbox', { name: 'Host' }).fill('127.0.0.1');
  await page.getByRole('spinbutton', { name: 'Port' }).fill(String(smtp.port));
  await page.getByRole('textbox', { name: 'From address' }).fill('Help desk <desk@example.com>');
  assert.equal(await page.getByRole('textbox', { name: 'Offline messages go to' }).inputValue(), 'support@example.com');
  await checkA11y(page, 'e-mail settings');
  await page.screenshot({ path: path.join(os.tmpdir(), 'e2e-mail-settings-1280.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save e-mail settings' }).click();
  await eventually(async () => (await api.get('settings/SMTP_Port', ada)).value === smtp.port, 'the port is saved');

  await page.getByRole('button', { name: 'Send a test to me' }).click();
  await page.getByText('Test mail sent to ada@example.com').first().waitFor();
  await eventually(() => smtp.mails().some((m) => m.includes('SMTP Test Email') && m.includes('ada@example.com')), 'the test mail arrives');

  // The waiting offline message leaves (its next attempt is at most 10 s away).
  await eventually(() => smtp.mails().some((m) => m.includes('Call me back')), 'the offline message is mailed', 30000);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Outbox' }).click();
  await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
  await page.getByText('0 waiting · 0 failed · 1 sent').waitFor();
  await page.getByRole('cell', { name: /offline message to support@example.com/ }).waitFor();
  await checkA11y(page, 'outbox');
  await page.screenshot({ path: path.join(os.tmpdir(), 'e2e-mail-outbox-1280.png'), fullPage: true });

  // Phone width: the same screens stay usable.
  const phone = await openConsole(t, browser, server.url, ada, { hash: '#/admin/email', label: 'ada phone', viewport: { width: 390, height: 844 } });
  await phone.page.getByRole('textbox', { name: 'Host' }).waitFor();
  await phone.page.screenshot({ path: path.join(os.tmpdir(), 'e2e-mail-settings-390.png'), fullPage: true });
  await phone.page.goto(`${server.url}/#/admin/outbox`);
  await phone.page.getByText('1 sent', { exact: false }).first().waitFor();
  await phone.page.screenshot({ path: path.join(os.tmpdir(), 'e2e-mail-outbox-390.png'), fullPage: true });

  // An agent's transcript request from the chat actions, mailed at close.
  // Rocket.Chat gives send-omnichannel-chat-transcript to managers (and admins), not plain agents.
  const agent = await api.createAgent(root, 'tina', { roles: ['user', 'livechat-manager'] });
  const visitor = await api.visitor({ name: 'Vera' });
  await visitor.message('Please send me this chat');
  const a = (await openConsole(t, browser, server.url, agent, { hash: `#/chat/${visitor.rid}`, label: 'tina' })).page;
  await a.getByRole('button', { name: 'Send transcript' }).click();
  const dialog = a.getByRole('dialog', { name: 'Send transcript' });
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill('vera@example.org');
  await checkA11y(a, 'transcript dialog');
  await a.screenshot({ path: path.join(os.tmpdir(), 'e2e-mail-transcript-1280.png') });
  await dialog.getByRole('button', { name: 'Send when closed' }).click();
  await dialogClosed(dialog);
  assert.equal(smtp.mails().filter((m) => m.includes('vera@example.org')).length, 0, 'nothing before the close');
  await api.post('livechat/room.closeByUser', { rid: visitor.rid }, agent);
  await eventually(() => smtp.mails().some((m) => m.includes('vera@example.org') && m.includes('Please send me this chat')),
    'the transcript arrives after the close');
});
