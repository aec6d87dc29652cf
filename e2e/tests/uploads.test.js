// Files both ways: the official widget's upload (its file input) sends an image the agent
// sees inline in the console, and the agent's paperclip (rooms.media + rooms.mediaConfirm)
// sends an image and a document that the widget shows. Images load through the login cookies
// (console) and the widget's own rc_rid/rc_token cookies, never a token in the page's URL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { startServer } = require('../lib/server');
const { Api } = require('../lib/api');
const { launch, openConsole, eventually, rowOf, WAIT_MS } = require('../lib/browser');
const { openWidget } = require('../lib/widget');

/** A solid-colour `size`×`size` PNG. */
function png(size, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Whether the image `locator` names has loaded with real pixels. */
const loaded = (locator) => locator.evaluate((img) => img.complete && img.naturalWidth > 0).catch(() => false);

test('files go both ways between the widget and the console', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = new Api(server.url);
  const admin = await api.login(server.admin.username, server.admin.password);
  await api.setRouting(admin, 'Auto_Selection');
  const agent = await api.createAgent(admin, 'fiona', { name: 'Fiona Files' });
  const browser = await launch(t);

  const desk = await openConsole(t, browser, server.url, agent, { label: 'agent' });
  const page = desk.page;
  await page.getByRole('list', { name: 'My chats' }).waitFor({ state: 'attached' });
  const widget = await openWidget(t, browser, server.url, { name: 'Paula Photo', email: 'paula@example.com' });
  const step = async (name, body) => {
    try {
      return await body();
    } catch (error) {
      const text = await widget.page.evaluate(() => document.body?.innerText).catch(() => '?');
      const deskText = await page.evaluate(() => `${location.hash}\n${document.body?.innerText}`).catch(() => '?');
      console.error(`== step failed: ${name}\n== console page:\n${deskText}\n== widget text:\n${text}\n== widget console:\n${widget.log.join('\n')}\n== server:\n${server.logTail()}`);
      throw error;
    }
  };

  await widget.send('I have a photo of the problem');
  const rid = await widget.roomId();

  await step("the widget's upload sends the image; the console shows it inline", async () => {
    await widget.page.locator('input[type=file]').first().setInputFiles({
      name: 'broken part.png',
      mimeType: 'image/png',
      buffer: png(48, [200, 30, 30]),
    });
    await rowOf(page, 'My chats', rid).click();
    const log = page.getByRole('log', { name: 'Messages' });
    const image = log.locator('li.message.visitor .attachment img');
    await image.waitFor({ timeout: WAIT_MS });
    assert.equal(await image.getAttribute('alt'), 'broken part.png');
    assert.match(await image.getAttribute('src'), /^\/file-upload\/\w+\/broken%20part\.png$/);
    await eventually(() => loaded(image), 'the image loaded in the console (rc_uid/rc_token cookies)');
    await page.screenshot({ path: '/tmp/uploads-console-1280.png' });
  });

  await step('the agent sends an image and a document with the paperclip; the widget shows both', async () => {
    // The paperclip opens the browser's file chooser.
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Attach a file' }).click(),
    ]);
    await chooser.setFiles({ name: 'fixed.png', mimeType: 'image/png', buffer: png(40, [30, 160, 60]) });
    const input = page.locator('.composer input[type=file]');
    const own = page.getByRole('log', { name: 'Messages' }).locator('li.message.own .attachment img');
    await own.waitFor({ timeout: WAIT_MS });
    await eventually(() => loaded(own), "the agent's own image loaded");
    await input.setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 e2e') });
    const link = page.getByRole('log', { name: 'Messages' }).locator('li.message.own .attachment.file a');
    await link.waitFor({ timeout: WAIT_MS });
    assert.match(await link.textContent(), /invoice\.pdf/);

    const shown = widget.page.locator('img[src*="/file-upload/"][src*="fixed.png"]').first();
    await shown.waitFor({ timeout: WAIT_MS });
    await eventually(() => loaded(shown), "the agent's image loaded in the widget (its rc_rid/rc_token cookies)");
    await widget.page.getByText('invoice.pdf').first().waitFor({ timeout: WAIT_MS });
    await widget.page.screenshot({ path: '/tmp/uploads-widget.png' });
  });

  await step('the files are the messages the REST API shows', async () => {
    const { messages } = await api.get(`livechat/${rid}/messages`, agent);
    const files = messages.filter((m) => m.file).map((m) => m.file.name).sort();
    assert.deepEqual(files, ['broken part.png', 'fixed.png', 'invoice.pdf']);
  });

  await step('the conversation with files at a phone width', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole('log', { name: 'Messages' }).locator('.attachment img').first().waitFor();
    await page.screenshot({ path: '/tmp/uploads-console-390.png' });
  });
});
