// Browser benchmark of the agent console (issue 12, "Speed"): headless Chromium against a
// server seeded with 1,000 open chats and one 10,000-message chat. Timings come from the page's
// own Performance API (navigation start, long tasks, resource entries), not from the driver.
//
//   bench/browser/run.sh [path/to/livechat]      (installs playwright-core, builds nothing)
//
// Prints a JSON summary and a Markdown table for docs/BENCHMARKS.md.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BINARY = process.argv[2] || 'target/release/livechat';
const OPEN_CHATS = Number(process.env.OPEN_CHATS || 1000);
const LONG_CHAT = Number(process.env.LONG_CHAT || 10000);
const BURST = 100; // visitor messages sent while the inbox is watched
const ADMIN = { user: 'bench-admin', password: `bench-${process.pid}-pw` };
const AGENT = { user: 'bench-agent', password: 'agent-pw-123456' };

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startServer() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-bench-'));
  const child = spawn(BINARY, ['--bind', `127.0.0.1:${port}`, '--data-dir', dir,
    '--rate-limit-per-minute', '0', '--login-per-minute', '0'], {
    env: { ...process.env, LIVECHAT_ADMIN_USERNAME: ADMIN.user, LIVECHAT_ADMIN_PASSWORD: ADMIN.password, RUST_LOG: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/api/info`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop: () => { child.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); } };
}

function client(base) {
  return async function api(method, p, { auth, body } = {}) {
    const headers = { 'content-type': 'application/json' };
    if (auth) Object.assign(headers, { 'x-user-id': auth.userId, 'x-auth-token': auth.authToken });
    const r = await fetch(`${base}/api/v1/${p}`, { method, headers, body: body && JSON.stringify(body) });
    const j = await r.json();
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
}

/** Runs `task(i)` for i in 0..n with `width` at once. */
async function pool(n, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

async function seed(api) {
  const login = async (user, password) => {
    const { data } = await api('POST', 'login', { body: { user, password } });
    return { userId: data.userId, authToken: data.authToken };
  };
  const admin = await login(ADMIN.user, ADMIN.password);
  await api('POST', 'users.create', { auth: admin, body: { name: 'Bench Agent', email: 'agent@bench.test', username: AGENT.user, password: AGENT.password } });
  await api('POST', 'livechat/users/agent', { auth: admin, body: { username: AGENT.user } });
  const agent = await login(AGENT.user, AGENT.password);
  await api('POST', 'users.setStatus', { auth: agent, body: { status: 'online' } });
  await api('POST', 'livechat/agent.status', { auth: agent, body: { status: 'available' } });

  const rooms = [];
  const started = Date.now();
  await pool(OPEN_CHATS, 8, async (i) => {
    const token = `bench-visitor-${i}`;
    await api('POST', 'livechat/visitor', { body: { visitor: { token, name: `Visitor ${i}` } } });
    const { room } = await api('GET', `livechat/room?token=${token}`);
    await api('POST', 'livechat/message', { body: { token, rid: room._id, msg: `Hello from visitor ${i}` } });
    rooms[i] = { token, rid: room._id };
  });
  const long = rooms[0];
  await pool(LONG_CHAT - 1, 8, async (i) => {
    await api('POST', 'livechat/message', { body: { token: long.token, rid: long.rid, msg: `Message ${i + 2} of a long chat` } });
  });
  console.error(`seeded ${OPEN_CHATS} chats and a ${LONG_CHAT}-message chat in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { rooms, long, fresh: rooms[OPEN_CHATS - 1] };
}

async function measure(base, api, { rooms, long, fresh }) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  // The agent serving all 1,000 chats (its inbox is live over its own streams). Log in once,
  // then measure cold loads of the desk (the login is kept in localStorage).
  await page.goto(`${base}/`);
  await page.getByLabel('Username or e-mail').fill(AGENT.user);
  await page.getByLabel('Password').fill(AGENT.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForSelector('.chat-row');

  const loads = [];
  for (let run = 0; run < 3; run++) {
    await page.goto(`${base}/`);
    await page.waitForFunction((n) => document.querySelectorAll('.chat-row').length >= n, OPEN_CHATS, { timeout: 60_000, polling: 'raf' });
    loads.push(await page.evaluate(() => ({
      rendered: performance.now(),
      domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      longTasks: window.__longTasks.length,
      longestTask: Math.max(0, ...window.__longTasks.map((t) => t.duration)),
    })));
  }

  // Responsiveness: a burst of visitor messages into the open chats while the inbox is shown.
  await page.evaluate(() => { window.__longTasks = []; window.__burstStart = performance.now(); });
  const burstStart = Date.now();
  await pool(BURST, 4, async (i) => {
    const room = rooms[1 + (i % (rooms.length - 1))];
    await api('POST', 'livechat/message', { body: { token: room.token, rid: room.rid, msg: `burst ${i}` } });
  });
  const lastRoom = rooms[1 + ((BURST - 1) % (rooms.length - 1))];
  await page.waitForFunction((rid) => {
    const row = document.querySelector(`.chat-row[data-rid="${rid}"] .preview`);
    return row && row.textContent.startsWith('burst');
  }, lastRoom.rid, { timeout: 30_000 });
  const burstMs = Date.now() - burstStart;
  const burst = await page.evaluate(() => ({
    longTasks: window.__longTasks.length,
    longTaskTotal: window.__longTasks.reduce((s, t) => s + t.duration, 0),
    longestTask: Math.max(0, ...window.__longTasks.map((t) => t.duration)),
  }));
  // An input's round trip with 1,000 rows on screen: a frame after a keypress.
  const inputLatency = await page.evaluate(async () => {
    const samples = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { median: samples[10], max: samples[19] };
  });

  const openChat = async (rid) => {
    await page.evaluate(() => performance.clearResourceTimings());
    const t0 = await page.evaluate((id) => { const t = performance.now(); location.hash = `#/chat/${id}`; return t; }, rid);
    await page.waitForFunction(() => document.querySelectorAll('li.message').length > 0 && document.querySelector('.older')?.textContent !== 'Loading older messages…', null, { timeout: 30_000, polling: 'raf' });
    return page.evaluate(([start, id]) => {
      const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes(`/livechat/${id}/messages`));
      return {
        shownMs: performance.now() - start,
        messagesShown: document.querySelectorAll('li.message').length,
        historyBytes: entries.reduce((s, e) => s + e.transferSize, 0),
        historyRequests: entries.length,
      };
    }, [t0, rid]);
  };
  await page.goto(`${base}/`);
  await page.waitForFunction((n) => document.querySelectorAll('.chat-row').length >= n, OPEN_CHATS, { timeout: 60_000 });
  const opens = { long: [], fresh: [] };
  for (let run = 0; run < 3; run++) {
    opens.long.push(await openChat(long.rid));
    opens.fresh.push(await openChat(fresh.rid));
  }
  await browser.close();
  return { loads, burst: { ...burst, messages: BURST, allShownMs: burstMs }, inputLatency, opens };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const server = await startServer();
  try {
    const api = client(server.base);
    const seeded = await seed(api);
    const result = await measure(server.base, api, seeded);
    const summary = {
      machine: `${os.cpus().length} × ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
      binary: BINARY,
      openChats: OPEN_CHATS,
      longChatMessages: LONG_CHAT,
      inboxRenderedMs: median(result.loads.map((l) => l.rendered)),
      inboxLongestTaskMs: median(result.loads.map((l) => l.longestTask)),
      burst: result.burst,
      inputLatency: result.inputLatency,
      openLongChatMs: median(result.opens.long.map((o) => o.shownMs)),
      openLongChatMessagesShown: result.opens.long[0].messagesShown,
      openLongChatHistoryBytes: result.opens.long[0].historyBytes,
      openNewChatMs: median(result.opens.fresh.map((o) => o.shownMs)),
      raw: result,
    };
    console.log(JSON.stringify(summary, null, 2));
    const f = (x) => x.toFixed(0);
    console.log(`
| What (median of 3, headless Chromium) | Result |
|---|---|
| An agent's desk loaded until its ${OPEN_CHATS} chats are drawn (from navigation start) | ${f(summary.inboxRenderedMs)} ms (longest task ${f(summary.inboxLongestTaskMs)} ms) |
| ${BURST} visitor messages into open chats, inbox updating | all shown ${f(result.burst.allShownMs)} ms after the first was sent; ${result.burst.longTasks} long tasks, longest ${f(result.burst.longestTask)} ms |
| Frame after input with ${OPEN_CHATS} rows (20 samples) | median ${result.inputLatency.median.toFixed(1)} ms, max ${result.inputLatency.max.toFixed(1)} ms |
| Open the ${LONG_CHAT}-message chat (last page shown) | ${f(summary.openLongChatMs)} ms, ${summary.openLongChatMessagesShown} messages drawn, ${summary.openLongChatHistoryBytes} bytes of history fetched |
| Open a 1-message chat | ${f(summary.openNewChatMs)} ms |
`);
  } finally {
    server.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
