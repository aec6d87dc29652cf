// The official widget, @rocket.chat/livechat@1.13.3, served by the server under test at
// SERVER_URL/livechat and driven in headless Debian Chromium through playwright-core: a visitor
// registers and writes, an agent (over REST) reads and answers, the answer appears in the page
// without a reload, and the agent's close takes the widget to its chat-finished screen.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const host = process.env.SERVER_URL;
assert.ok(host, 'SERVER_URL must name the server under test');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const REALTIME_MS = 10_000;

async function api(method, path, { auth, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (auth) {
    headers['x-auth-token'] = auth.authToken;
    headers['x-user-id'] = auth.userId;
  }
  const response = await fetch(`${host}/api/v1/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  assert.equal(response.status, 200, `${method} ${path}: ${JSON.stringify(answer)}`);
  return answer;
}

async function login(user, password) {
  const { data } = await api('POST', 'login', { body: { user, password } });
  return { authToken: data.authToken, userId: data.userId };
}

/** A new agent account, logged in, online and available: the only one who can take the chat. */
async function availableAgent(admin) {
  const username = `widget-agent-${Date.now()}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  await api('POST', 'users.create', {
    auth: admin,
    body: { name: 'Widget Agent', email: `${username}@example.com`, password, username },
  });
  await api('POST', 'livechat/users/agent', { auth: admin, body: { username } });
  const agent = await login(username, password);
  await api('POST', 'users.setStatus', { auth: agent, body: { status: 'online' } });
  const status = await api('POST', 'livechat/agent.status', { auth: agent, body: { status: 'available' } });
  assert.equal(status.status, 'available');
  return { ...agent, username };
}

test('a visitor chats with an agent through the real widget', async (t) => {
  const admin = await login(process.env.ADMIN_USER, process.env.ADMIN_PASSWORD);
  // Other compatibility tests switch routing to manual; this chat must be routed at once.
  await api('POST', 'settings/Livechat_Routing_Method', { auth: admin, body: { value: 'Auto_Selection' } });
  const agent = await availableAgent(admin);
  // Routing picks the least busy available agent; leave none behind for the next run.
  t.after(() => api('DELETE', `livechat/users/agent/${agent.userId}`, { auth: admin }));

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.after(() => browser.close());
  // A fresh context: the widget keeps the visitor token in localStorage.
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLog = [];
  page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.message}`));
  page.on('requestfailed', (r) => consoleLog.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  // What the server pushed over DDP, to tell realtime delivery from a history reload.
  const framesIn = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => framesIn.push(String(f.payload))));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleLog.push(`[http ${r.status()}] ${r.request().method()} ${r.url()}`);
  });

  const step = async (name, body) => {
    try {
      return await body();
    } catch (error) {
      const text = await page.evaluate(() => document.body && document.body.innerText).catch(() => '?');
      console.error(`== widget step failed: ${name}\n== page text:\n${text}\n== browser console:\n${consoleLog.join('\n')}`);
      throw error;
    }
  };

  const visitorText = `hello from the widget ${Date.now()}`;
  const rid = await step('open the widget and send a message', async () => {
    await page.goto(`${host}/livechat`);
    // Minimized, the page shows only the chat button; opened directly, it may already be open.
    const composer = page.locator('[class*="composer__input"]');
    const button = page.locator('[class*="screen__chat-button"]');
    const form = page.locator('form input[name="name"]');
    const shown = (...selectors) => page.locator(selectors.map((s) => `${s}:visible`).join(', ')).first();
    await shown('[class*="screen__chat-button"]', '[class*="composer__input"]', 'form input[name="name"]')
      .waitFor({ timeout: REALTIME_MS });
    if (await button.isVisible()) await button.click();
    await shown('[class*="composer__input"]', 'form input[name="name"]').waitFor({ timeout: REALTIME_MS });
    if (await form.isVisible()) {
      await form.fill('Widget Visitor');
      await page.locator('form input[name="email"]').fill('widget.visitor@example.com');
      await page.locator('form button[type="submit"]').click();
    }
    await composer.waitFor({ timeout: REALTIME_MS });
    await composer.click();
    await page.keyboard.type(visitorText);
    await page.keyboard.press('Enter');
    await page.getByText(visitorText).waitFor({ timeout: REALTIME_MS });
    // The widget's own state names the room it opened.
    const handle = await page.waitForFunction(() => {
      const state = JSON.parse(localStorage.getItem('store') || '{}');
      return state.room && state.room._id;
    }, null, { timeout: REALTIME_MS });
    return handle.jsonValue();
  });

  await step('the agent was routed the chat and reads the message', async () => {
    const { rooms } = await api('GET', `livechat/rooms?agents[]=${agent.userId}&open=true`, { auth: agent });
    // Chats other tests left waiting in the queue may have come to this agent too.
    assert.ok(rooms.some((r) => r._id === rid), JSON.stringify(rooms.map((r) => r._id)));
    const { messages } = await api('GET', `livechat/${rid}/messages`, { auth: agent });
    assert.ok(messages.some((m) => m.msg === visitorText), JSON.stringify(messages));
  });

  const reply = `Hi, this is ${agent.username}. How can I help?`;
  await step('the agent reply appears without a reload', async () => {
    await api('POST', 'chat.sendMessage', { auth: agent, body: { message: { rid, msg: reply } } });
    await page.getByText(reply).waitFor({ timeout: REALTIME_MS });
    assert.ok(framesIn.some((f) => f.includes('stream-room-messages') && f.includes(reply)),
      'the reply reached the page over the WebSocket');
  });

  await step('the agent closes the chat and the widget shows it finished', async () => {
    await api('POST', 'livechat/room.closeByUser', { auth: agent, body: { rid } });
    await page.locator('[class*="chat-finished__greeting"]').waitFor({ timeout: REALTIME_MS });
    assert.ok(framesIn.some((f) => f.includes('"livechat-close"')), 'the close reached the page over the WebSocket');
  });
});
