// The official widget in one page and the console in another, chatting both ways live: the
// visitor's message and typing reach the console without a reload, the agent's typing and
// reply (Enter sends, Shift+Enter a new line) reach the widget, and closing the chat from the
// console ("Close chat" with a comment) takes the widget to its chat-finished screen.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, eventually, rowOf, WAIT_MS } = require('../lib/browser');
const { openWidget } = require('../lib/widget');

test('the widget and the console chat both ways, live', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const agent = await api.createAgent(admin, 'ana', { name: 'Ana Agent' });
  const browser = await launch(t);

  const desk = await openConsole(t, browser, server.url, agent, { label: 'agent' });
  const page = desk.page;
  await page.getByRole('list', { name: 'My chats' }).waitFor({ state: 'attached' });
  const deskFrames = desk.frames;
  // Gone if the page reloads: everything below must arrive live.
  await page.evaluate(() => { window.__sameDocument = true; });

  const widget = await openWidget(t, browser, server.url, { name: 'Wanda Widget', email: 'wanda@example.com' });
  const step = async (name, body) => {
    try {
      return await body();
    } catch (error) {
      const text = await widget.page.evaluate(() => document.body?.innerText).catch(() => '?');
      const deskText = await page.evaluate(() => `${location.hash}\n${document.body?.innerText}`).catch(() => '?');
      console.error(`== step failed: ${name}\n== console page:\n${deskText}\n== console frames:\n${deskFrames.slice(-15).map((f) => f.slice(0, 300)).join('\n')}`);
      console.error(`== widget sent:\n${widget.framesOut.slice(-8).map((f) => f.slice(0, 300)).join('\n')}\n== widget text:\n${text}\n== widget console:\n${widget.log.join('\n')}`);
      throw error;
    }
  };

  const hello = `hello from the widget ${Date.now()}`;
  const rid = await step('the visitor writes; the chat appears in My chats live', async () => {
    await widget.send(hello);
    const rid = await widget.roomId();
    const row = rowOf(page, 'My chats', rid);
    await row.waitFor({ timeout: WAIT_MS });
    await eventually(async () => (await row.locator('.preview').textContent()) === hello, 'the row shows the last message');
    assert.equal(await row.locator('.name').textContent(), 'Wanda Widget');
    return rid;
  });

  await step('the conversation shows the message', async () => {
    await rowOf(page, 'My chats', rid).click();
    await page.locator('#chat-title', { hasText: 'Wanda Widget' }).waitFor();
    await page.getByRole('log', { name: 'Messages' }).locator('li.message.visitor', { hasText: hello }).waitFor();
  });

  await step("the visitor's typing shows in the console, then the message arrives live", async () => {
    // Every text the typing indicator shows is recorded as it changes.
    await page.evaluate(() => {
      window.__typingShown = [];
      const indicator = document.querySelector('.typing[role=status]');
      new MutationObserver(() => window.__typingShown.push(indicator.textContent))
        .observe(indicator, { childList: true, characterData: true, subtree: true });
    });
    const again = 'is anyone there?';
    await widget.composer.click();
    await widget.page.keyboard.type(again);
    await eventually(() => page.evaluate(() => window.__typingShown.includes('Wanda Widget is typing…')),
      () => `the console showed "Wanda Widget is typing…" (typing frames: ${deskFrames.filter((f) => f.includes('/typing')).join('\n')})`);
    await widget.page.keyboard.press('Enter');
    const log = page.getByRole('log', { name: 'Messages' });
    await log.locator('li.message.visitor', { hasText: again }).waitFor();
    await eventually(async () => (await rowOf(page, 'My chats', rid).locator('.preview').textContent()) === again,
      'the inbox row shows the newest message');
    await eventually(async () => (await page.locator('.typing[role=status]').textContent()) === '',
      'the typing indicator is cleared by the message');
  });

  await step("the agent's typing reaches the widget", async () => {
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.click();
    await page.keyboard.type('Let me ch');
    await eventually(() => widget.framesIn.some((f) => f.includes(`${rid}/typing`) && f.includes('"ana"') && f.includes('true')),
      'a typing frame for ana reached the widget');
    // The widget shows it: its typing dots in the message list.
    await widget.page.locator('[class*="typing-dots"]').first().waitFor({ timeout: WAIT_MS });
  });

  await step('Shift+Enter makes a new line, Enter sends; the widget shows the reply', async () => {
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('');
    await composer.type('First line');
    await page.keyboard.press('Shift+Enter');
    await composer.type('second line');
    assert.equal(await composer.inputValue(), 'First line\nsecond line', 'Shift+Enter did not send');
    await page.keyboard.press('Enter');
    await eventually(async () => (await composer.inputValue()) === '', 'Enter emptied the composer');
    const own = page.getByRole('log', { name: 'Messages' }).locator('li.message.own', { hasText: 'second line' });
    await own.waitFor({ timeout: WAIT_MS });
    assert.equal(await own.count(), 1);
    await widget.page.getByText('second line').first().waitFor({ timeout: WAIT_MS });
    const shown = await widget.page.getByText('second line').first().evaluate((el) => el.closest('[class*="message"]')?.innerText ?? el.innerText);
    assert.match(shown, /First line\s*\n\s*second line/);
    assert.ok(widget.framesIn.some((f) => f.includes('stream-room-messages') && f.includes('second line')),
      'the reply reached the widget over its WebSocket');
  });

  await step('closing from the console finishes the chat in the widget', async () => {
    await page.getByRole('toolbar', { name: 'Chat actions' }).getByRole('button', { name: 'Close chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Close chat' });
    await dialog.getByRole('textbox', { name: 'Comment' }).fill('Solved on the first contact');
    await dialog.getByRole('button', { name: 'Close chat' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.toasts [role=status], .toasts').getByText('Chat closed').first().waitFor();
    await widget.page.locator('[class*="chat-finished__greeting"]').waitFor({ timeout: WAIT_MS });
    await page.locator('.chat-state', { hasText: 'Closed' }).waitFor({ timeout: WAIT_MS });
    await eventually(async () => (await rowOf(page, 'My chats', rid).count()) === 0, 'the closed chat left My chats');
    const { messages } = await api.get(`livechat/${rid}/messages`, agent);
    assert.ok(messages.some((m) => m.t === 'livechat-close'), 'the room got its close message');
  });

  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the console never reloaded');
});
