// Starts the server binary under test on a free loopback port, with a data directory of its
// own and the official widget's build at /livechat; stops it and removes the directory.
// When the test process ends with a failure, the last lines of each server's log are printed.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const LOG_LINES = 60;
const started = new Set();

process.on('exit', () => {
  if (!process.exitCode) return;
  for (const server of started) {
    fs.writeSync(2, `\n== server log tail (${server.url})\n${server.logTail()}\n`);
  }
});

/** A port nobody listens on now (the server binds it right after). */
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

/**
 * `admin: false` starts a server with no administrator (first-run set-up). Resolves once
 * `/api/info` answers; `stop()` kills it and deletes its data.
 */
async function startServer({ admin = true, env = {} } = {}) {
  const binary = process.env.LIVECHAT_BINARY;
  const widgetDir = process.env.LIVECHAT_WIDGET_DIR;
  if (!binary || !widgetDir) throw new Error('run the tests through e2e/run.sh (LIVECHAT_BINARY, LIVECHAT_WIDGET_DIR)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-e2e-'));
  const port = await freePort();
  const credentials = admin
    ? { username: 'e2e-admin', password: `admin-${Math.random().toString(36).slice(2)}` }
    : null;
  const childEnv = { ...process.env, ...env };
  delete childEnv.LIVECHAT_ADMIN_USERNAME;
  delete childEnv.LIVECHAT_ADMIN_PASSWORD;
  if (credentials) {
    childEnv.LIVECHAT_ADMIN_USERNAME = credentials.username;
    childEnv.LIVECHAT_ADMIN_PASSWORD = credentials.password;
  }
  const child = spawn(binary, [
    '--bind', `127.0.0.1:${port}`,
    '--data-dir', dataDir,
    '--widget-dir', widgetDir,
    '--rate-limit-per-minute', '0',
    '--login-per-minute', '0',
  ], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    if (lines.length > LOG_LINES * 4) lines.splice(0, lines.length - LOG_LINES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal ?? code; });

  const url = `http://127.0.0.1:${port}`;
  const server = {
    url,
    port,
    admin: credentials,
    logTail: () => lines.slice(-LOG_LINES).join('\n'),
    async stop() {
      // Stays in `started`: its log is printed if the test process ends in failure.
      if (exited === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  started.add(server);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited !== null) throw new Error(`the server exited (${exited}):\n${server.logTail()}`);
    try {
      const response = await fetch(`${url}/api/info`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server did not answer /api/info within 15 s:\n${server.logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}

module.exports = { startServer };
