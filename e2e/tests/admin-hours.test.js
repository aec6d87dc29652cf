// Business hours from the console, in effect at once: an administrator switches business hours
// on, a manager closes every day in the Business hours screen, and the desk is closed: the
// official widget offers its offline form and an agent cannot become available (the console
// says why). The manager opens the days again: the widget is online and the agent can become
// available, without a restart.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, checkA11y, eventually, WAIT_MS } = require('../lib/browser');

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Opens the official widget as a new visitor; which form its chat button leads to. */
async function widgetForm(t, browser, url) {
  const context = await browser.newContext();
  t.after(() => context.close());
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  await page.goto(`${url}/livechat`);
  const button = page.locator('[class*="screen__chat-button"]');
  const shown = page.locator('[class*="screen__chat-button"]:visible, form input[name="name"]:visible').first();
  await shown.waitFor();
  if (await button.isVisible()) await button.click();
  // Offline, the widget asks for a message too; online, only who the visitor is.
  const offline = page.locator('form textarea[name="message"]');
  await page.locator('form input[name="name"]').waitFor();
  const answer = (await offline.isVisible()) ? 'offline' : 'online';
  await context.close();
  return answer;
}

/** The manager's screen: every day open 00:00–23:59 (`open`), or every day closed. */
async function saveDays(page, open) {
  for (const day of DAYS) {
    const box = page.getByRole('checkbox', { name: `Open on ${day}` });
    if (open) {
      await box.check();
      await page.getByLabel(`${day} opens at`).fill('00:00');
      await page.getByLabel(`${day} closes at`).fill('23:59');
    } else {
      await box.uncheck();
    }
  }
  // The toast of an earlier save lasts a few seconds: wait until it is gone, so that the one
  // awaited below is this save's.
  const saved = page.getByText('Business hours saved');
  await eventually(async () => (await saved.count()) === 0, 'the earlier toast is gone');
  await page.getByRole('button', { name: 'Save business hours' }).click();
  await saved.waitFor();
}

test('business hours set in the console close and open the desk at once', async (t) => {
  // The open days end at 23:59 (the finish minute is closed): keep clear of midnight UTC.
  const now = new Date();
  if (now.getUTCHours() === 23 && now.getUTCMinutes() >= 58) {
    await new Promise((r) => setTimeout(r, (61 - now.getUTCSeconds()) * 1000 + 60_000));
  }
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  const mona = await api.createAgent(admin, 'mona', { available: false, roles: ['user', 'livechat-manager'] });
  const ann = await api.createAgent(admin, 'ann');
  const browser = await launch(t);

  // Mona opens every day, in UTC, before the switch goes on (the default hours close weekends).
  const m = (await openConsole(t, browser, server.url, mona, { hash: '#/admin/business-hours', label: 'mona' })).page;
  await m.getByRole('heading', { name: 'Business hours', level: 1 }).waitFor();
  // Switching business hours on is an administrator's setting: Mona is told so.
  await m.getByRole('note').filter({ hasText: 'Livechat_enable_business_hours' }).waitFor();
  assert.equal(await m.getByRole('checkbox', { name: /switched on/ }).count(), 0);
  await m.getByRole('combobox', { name: 'Time zone' }).selectOption('UTC');
  await saveDays(m, true);
  await checkA11y(m, 'business hours');
  const { businessHour } = await api.get('livechat/business-hour?type=default', mona);
  assert.equal(businessHour.timezone.name, 'UTC');
  assert.deepEqual(businessHour.workHours.map((w) => [w.day, w.open, w.start.time, w.finish.time]),
    DAYS.map((d) => [d, true, '00:00', '23:59']));

  // The administrator switches business hours on in the console.
  const a = (await openConsole(t, browser, server.url, admin, { hash: '#/admin/business-hours', label: 'admin' })).page;
  const toggle = a.getByRole('checkbox', { name: 'Business hours are switched on (outside them the desk is closed)' });
  await toggle.check();
  await a.getByText('Business hours switched on').waitFor();
  assert.equal((await api.get('settings/Livechat_enable_business_hours', admin)).value, true);

  // Ann steps away in her console.
  const n = (await openConsole(t, browser, server.url, ann, { hash: '#/', label: 'ann' })).page;
  const available = n.getByRole('switch', { name: 'Available' });
  await available.uncheck();
  await eventually(async () => (await api.get('me', ann)).statusLivechat === 'not-available', 'Ann is away');
  assert.equal(await widgetForm(t, browser, server.url), 'online');

  // Mona closes every day: the desk is closed now.
  await saveDays(m, false);
  assert.equal((await api.get('livechat/config')).config.online, false);
  assert.equal(await widgetForm(t, browser, server.url), 'offline');
  // A click, not check(): the server refuses, and the switch may be back before check() looks.
  await available.click();
  await n.getByText('The desk is closed now (business hours): you can become available when it opens.').waitFor();
  await eventually(async () => !(await available.isChecked()), 'the switch shows Away again');
  assert.equal((await api.get('me', ann)).statusLivechat, 'not-available');

  // Mona opens the days again: online, and Ann becomes available.
  await saveDays(m, true);
  assert.equal(await widgetForm(t, browser, server.url), 'online');
  await available.check();
  await eventually(async () => (await available.isChecked()) && (await api.get('me', ann)).statusLivechat === 'available',
    'Ann is available');
  await n.getByText('Available', { exact: true }).waitFor();
});
