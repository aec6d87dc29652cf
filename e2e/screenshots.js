// Retakes the README's screenshots of the agent console: docs/console.png (1280×800: the
// inbox, a conversation and the visitor panel) and docs/console-phone.png (the same
// conversation at a phone's 390×844). Run it again whenever the console's look changes.
// It starts the debug server with a data directory of its own, creates an agent and a few
// visitors' chats through the API as the widget would, and photographs the console in
// headless Chromium, with the e2e tests' helpers (e2e/lib).
// Usage, from the repository root, after `cargo build` and once `e2e/run.sh` (it installs
// Chromium and the node modules, into compat-clients/e2e):
//   NODE_PATH=compat-clients/e2e/node_modules node e2e/screenshots.js
'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');

const root = path.join(__dirname, '..');
// The same defaults as e2e/run.sh, so that only NODE_PATH has to be given.
process.env.LIVECHAT_BINARY ??= path.join(root, 'target/debug/livechat');
process.env.LIVECHAT_WIDGET_DIR ??= path.join(root, 'compat-clients/e2e/node_modules/@rocket.chat/livechat/build');

const { startServer } = require('./lib/server');
const { Api } = require('./lib/api');
const { launch, openConsole } = require('./lib/browser');

/** The conversation shown: a visitor asking about an order, the agent answering. */
const CUSTOMER = {
  name: 'Emma Schneider',
  // Short enough for one line in the visitor panel at 1280 px (a longer one breaks mid-word).
  email: 'emma@example.de',
  phone: '+49 151 2345 6789',
  location: { city: 'Hamburg', countryCode: 'DE', countryName: 'Germany' },
  deviceInfo: { browserName: 'Firefox', browserVersion: '133', os: 'Windows', osVersion: '11' },
  pages: [
    ['https://shop.example.com/', 'Home'],
    ['https://shop.example.com/shoes/aurora-2-trail', 'Aurora 2 trail shoes'],
    ['https://shop.example.com/account/orders/10482', 'Order #10482'],
  ],
  messages: [
    ['visitor', 'Hi! My order #10482 from Monday still says "Preparing". Has it shipped?'],
    ['agent', 'Hi Emma, thanks for waiting. Let me look at order #10482.'],
    ['agent', 'It left our warehouse this morning with DHL and should arrive on Thursday.'],
    ['visitor', 'Great, thanks! Can I still have it delivered to my office instead?'],
    ['agent', 'Yes, until it is out for delivery. I have e-mailed you the DHL link.'],
    ['visitor', 'Perfect, thank you. Have a nice day!'],
  ],
  // Left in the composer, unsent: the agent mid-reply.
  draft: 'You too, Emma! Enjoy the new shoes.',
};

/** Other chats in the inbox, each a single unanswered question, so that it looks like a working day. */
const OTHERS = [
  ['Liam O\'Connor', 'Do you ship to Ireland, and how long does it take?'],
  ['Sofia Rossi', 'Is the Aurora 2 true to size? I usually wear a 39.'],
];

/** Stands in for node:test's `t`: the helpers register their clean-up with `after`. */
function cleanups() {
  const steps = [];
  return {
    after: (step) => steps.push(step),
    /** Runs every step, last registered first (contexts before the browser), even if one fails. */
    async run() {
      const failures = [];
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length) throw failures[0];
    },
  };
}

/**
 * A visitor with phone, location, device and a few pages visited, all through the widget's own
 * calls; `Api.visitor` knows no phone, so the registration is made here.
 */
async function customer(api, person) {
  const token = `screenshot-${crypto.randomBytes(8).toString('hex')}`;
  await api.post('livechat/visitor', { visitor: { token, name: person.name, email: person.email, phone: person.phone } });
  const { room } = await api.get(`livechat/room?token=${encodeURIComponent(token)}`);
  for (const [href, title] of person.pages) await api.trackVisit(token, room._id, href, title);
  // After the visits: the session they opened is the one the location is added to.
  await api.post('livechat/session.addLocationData', { token, location: person.location, deviceInfo: person.deviceInfo });
  return { token, rid: room._id };
}

/** Opens the chat in the console at `viewport` and saves the page, once all it should show is there. */
async function shoot(t, browser, server, agent, rid, { viewport, scale, file, panel }) {
  const { page } = await openConsole(t, browser, server.url, agent, {
    viewport, scale, hash: `#/chat/${encodeURIComponent(rid)}`, label: path.basename(file),
  });
  const log = page.getByRole('log', { name: 'Messages' });
  const [, last] = CUSTOMER.messages[CUSTOMER.messages.length - 1];
  await log.locator('li.message', { hasText: last }).waitFor();
  const attach = page.getByRole('button', { name: 'Attach a file' });
  await attach.waitFor();
  assert.ok(await attach.isEnabled(), 'the paperclip is enabled');
  if (panel) await page.getByText(`${CUSTOMER.location.city}, ${CUSTOMER.location.countryName}`).waitFor();
  await page.getByRole('textbox', { name: 'Message' }).fill(CUSTOMER.draft);
  // The whole conversation in view, from its start to the newest message: a picture with a
  // message cut at the edge would look broken (shorten the messages if this fails).
  const overflow = await log.evaluate((el) => el.scrollHeight - el.clientHeight);
  assert.ok(overflow <= 0, `${file}: the conversation is ${overflow} px too tall for the view`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `${file}: the page is ${width} px wide, wider than ${viewport.width}`);
  for (const [name, element] of [['paperclip', attach], ['Send', page.getByRole('button', { name: 'Send' })]]) {
    const box = await element.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width && box.y >= 0 && box.y + box.height <= viewport.height,
      `${file}: ${name} is not wholly on screen: ${JSON.stringify(box)}`);
  }
  await page.screenshot({ path: file });
  console.log(`saved ${path.relative(root, file)}`);
}

async function main() {
  const t = cleanups();
  try {
    const server = await startServer();
    t.after(() => server.stop());
    const api = new Api(server.url);
    const admin = await api.login(server.admin.username, server.admin.password);
    await api.setRouting(admin, 'Auto_Selection');
    const agent = await api.createAgent(admin, 'sam', { name: 'Sam Agent' });

    for (const [name, question] of OTHERS) {
      const visitor = await api.visitor({ name, email: `${name.split(' ')[0].toLowerCase()}@example.com` });
      await visitor.message(question);
    }
    const { token, rid } = await customer(api, CUSTOMER);
    for (const [who, msg] of CUSTOMER.messages) {
      if (who === 'visitor') await api.post('livechat/message', { token, rid, msg });
      else await api.post('chat.sendMessage', { message: { rid, msg } }, agent);
    }

    const browser = await launch(t);
    await shoot(t, browser, server, agent, rid, {
      viewport: { width: 1280, height: 800 }, scale: 1, file: path.join(root, 'docs/console.png'), panel: true,
    });
    // The phone's own pixel ratio, so the small screen reads sharply in the README.
    await shoot(t, browser, server, agent, rid, {
      viewport: { width: 390, height: 844 }, scale: 2, file: path.join(root, 'docs/console-phone.png'), panel: false,
    });
  } finally {
    await t.run();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
