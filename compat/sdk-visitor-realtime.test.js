// The official widget's transport, @rocket.chat/sdk@1.0.0-alpha.42, as a visitor over DDP,
// chatting in realtime with an agent who speaks raw DDP over `ws` (login digest, sendMessage,
// typing), against a running server (SERVER_URL; admin credentials in ADMIN_USER/ADMIN_PASSWORD).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const WebSocket = require('ws');
const { Livechat } = require('@rocket.chat/sdk');

const host = process.env.SERVER_URL;
assert.ok(host, 'SERVER_URL must name the server under test');
assert.ok(process.env.ADMIN_USER && process.env.ADMIN_PASSWORD, 'ADMIN_USER and ADMIN_PASSWORD must be set');
const WAIT_MS = 5000;

// ---- REST, for the administrator and the agents' set-up ----

async function rest(method, path, body, who) {
  const headers = { 'content-type': 'application/json' };
  if (who) Object.assign(headers, { 'X-User-Id': who.userId, 'X-Auth-Token': who.authToken });
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
  return (await rest('POST', 'login', { user, password })).data;
}

/** An agent account, online and available for chats. */
async function availableAgent(admin, username) {
  const password = `pw-${crypto.randomUUID()}`;
  const { user } = await rest('POST', 'users.create',
    { username, name: `Agent ${username}`, email: `${username}@example.com`, password }, admin);
  await rest('POST', 'livechat/users/agent', { username }, admin);
  const credentials = await login(username, password);
  await rest('POST', 'users.setStatus', { status: 'online' }, credentials);
  const { status } = await rest('POST', 'livechat/agent.status', { status: 'available' }, credentials);
  assert.equal(status, 'available');
  return { id: user._id, username, password, credentials };
}

/** Takes the agent out of routing, so later compatibility tests start without it. */
async function retire(admin, agent) {
  await rest('POST', 'livechat/agent.status', { status: 'not-available' }, agent.credentials);
  await rest('DELETE', `livechat/users/agent/${agent.id}`, undefined, admin);
}

// ---- A minimal DDP client for the agent (what rocketchat-async and ddp-client send) ----

class Ddp {
  static async login(username, password) {
    const ddp = new Ddp(`${host.replace(/^http/, 'ws')}/websocket`);
    await ddp.opened;
    ddp.send({ msg: 'connect', version: '1', support: ['1', 'pre2', 'pre1'] });
    await ddp.waitFor((f) => f.msg === 'connected', 'connected');
    const digest = crypto.createHash('sha256').update(password).digest('hex');
    const result = await ddp.call('login', { user: { username }, password: { digest, algorithm: 'sha-256' } });
    assert.ok(result.token, `login answered ${JSON.stringify(result)}`);
    return ddp;
  }

  constructor(url) {
    this.frames = [];
    this.waiters = new Set();
    this.nextId = 0;
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.msg === 'ping') this.send({ msg: 'pong', id: frame.id });
      this.frames.push(frame);
      for (const waiter of this.waiters) waiter();
    });
  }

  send(frame) {
    this.socket.send(JSON.stringify(frame));
  }

  /** The first frame received (before or after this call) that matches `wanted`. */
  waitFor(wanted, what) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(wanted);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`agent: no ${what} within ${WAIT_MS} ms`));
      }, WAIT_MS);
      this.waiters.add(check);
      check();
    });
  }

  async call(method, ...params) {
    const id = `agent-${++this.nextId}`;
    this.send({ msg: 'method', method, params, id });
    const frame = await this.waitFor((f) => f.msg === 'result' && f.id === id, `result of ${method}`);
    if (frame.error) throw new Error(`${method}: ${frame.error.reason} [${frame.error.error}]`);
    return frame.result;
  }

  async sub(name, eventName) {
    const id = `agent-${++this.nextId}`;
    this.send({ msg: 'sub', id, name, params: [eventName, { useCollection: false, args: [null] }] });
    const frame = await this.waitFor(
      (f) => (f.msg === 'ready' && f.subs.includes(id)) || (f.msg === 'nosub' && f.id === id), `ready of ${name}`);
    assert.equal(frame.msg, 'ready', `${name} ${eventName}: ${JSON.stringify(frame)}`);
  }

  /** The first `changed` frame of `collection`/`eventName` whose args match `wanted`. */
  event(collection, eventName, wanted, what) {
    return this.waitFor((f) => f.msg === 'changed' && f.collection === collection
      && f.fields.eventName === eventName && wanted(f.fields.args), what);
  }

  close() {
    this.socket.close(1000);
  }
}

/** Waits until `probe()` returns something truthy (what the SDK's callbacks collected). */
async function eventually(probe, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`visitor: no ${what} within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a visitor on the SDK and an agent on DDP chat in realtime', { timeout: 60000 }, async () => {
  const admin = await login(process.env.ADMIN_USER, process.env.ADMIN_PASSWORD);
  // Earlier compatibility tests may have switched routing to manual.
  await rest('POST', 'settings/Livechat_Routing_Method', { value: 'Auto_Selection' }, admin);
  const suffix = crypto.randomUUID().slice(0, 8);
  const first = await availableAgent(admin, `sdk-agent-${suffix}`);
  const agents = [first];
  let lc;
  let agent;
  try {
    lc = new Livechat({ host, protocol: 'ddp' });
    const token = `sdk-rt-${crypto.randomUUID()}`;
    lc.credentials.token = token;
    const config = await lc.config({ token });
    assert.equal(config.online, true, 'an agent is available');
    const visitor = await lc.grantVisitor({ visitor: { token, name: 'Realtime Visitor' } });
    const room = await lc.room();
    const rid = room._id;
    assert.equal(room.servedBy && room.servedBy._id, first.id,
      `the room goes to the only available agent: ${JSON.stringify(room.servedBy)}`);

    agent = await Ddp.login(first.username, first.password);
    await agent.sub('stream-room-messages', rid);
    await agent.sub('stream-notify-room', `${rid}/typing`);
    const served = await agent.call('rooms/get');
    // Chats left queued by earlier tests may have been routed to this agent too.
    assert.ok(served.some((r) => r._id === rid), `rooms/get lists the agent's room: ${JSON.stringify(served)}`);
    assert.ok(served.every((r) => r.servedBy._id === first.id && r.open === true && r.t === 'l'),
      `rooms/get lists only the agent's open rooms: ${JSON.stringify(served)}`);

    await lc.connect();
    await lc.subscribeRoom(rid);
    const messages = [];
    const typing = [];
    const agentChanges = [];
    const agentStatuses = [];
    await lc.onMessage((message) => messages.push(message));
    await lc.onTyping((username, isTyping) => typing.push([username, isTyping]));
    await lc.onAgentChange(rid, (data) => agentChanges.push(data));
    await lc.onAgentStatusChange(rid, (status) => agentStatuses.push(status));

    // The visitor writes (REST, as the SDK does); the agent's subscription delivers it.
    await lc.sendMessage({ msg: 'hello', rid });
    const [incoming] = (await agent.event('stream-room-messages', rid,
      ([m]) => m.msg === 'hello', 'visitor message')).fields.args;
    // A visitor token is a credential: the agent's copy of the message carries none.
    assert.equal(incoming.token, undefined, `no visitor token reaches staff: ${JSON.stringify(incoming)}`);
    assert.ok(!JSON.stringify(incoming).includes(token), 'the token appears nowhere in the agent\'s frame');
    assert.equal(typeof incoming.ts.$date, 'number', 'EJSON dates in DDP frames');

    // The agent replies over DDP with its own id; the SDK's onMessage receives it.
    const replyId = `sdk${suffix}reply`;
    const saved = await agent.call('sendMessage', { _id: replyId, rid, msg: 'hi, how can I help?' });
    assert.equal(saved._id, replyId);
    const reply = await eventually(() => messages.find((m) => m._id === replyId), 'agent reply in onMessage');
    assert.equal(reply.msg, 'hi, how can I help?');
    assert.equal(reply.u.username, first.username);
    assert.ok(reply.ts instanceof Date && !Number.isNaN(reply.ts.getTime()), 'the SDK turned ts into a Date');

    // The agent types (the new user-activity event); the widget's onTyping hears the old one.
    await agent.call('stream-notify-room', `${rid}/user-activity`, first.username, ['user-typing'], {});
    await eventually(() => typing.find(([u, t]) => u === first.username && t === true), 'agent typing in onTyping');

    // The visitor types; the agent's subscription hears it.
    await lc.notifyVisitorTyping(rid, visitor.username, true);
    await agent.event('stream-notify-room', `${rid}/typing`,
      ([username, isTyping]) => username === visitor.username && isTyping === true, 'visitor typing');

    const history = await lc.loadMessages(rid);
    const texts = history.map((m) => m.msg);
    assert.ok(texts.includes('hello') && texts.includes('hi, how can I help?'), JSON.stringify(texts));

    // The agent steps away (UserPresence over DDP); the SDK's onAgentStatusChange hears it.
    await agent.call('UserPresence:away');
    await eventually(() => agentStatuses.find((status) => status === 'away'), 'agentStatus in onAgentStatusChange');
    await agent.call('UserPresence:online');
    await eventually(() => agentStatuses.find((status) => status === 'online'), 'agentStatus back online');

    // Handing the chat to another agent reaches the SDK's onAgentChange.
    const second = await availableAgent(admin, `sdk-agent2-${suffix}`);
    agents.push(second);
    await rest('POST', 'livechat/room.forward', { roomId: rid, userId: second.id }, admin);
    const change = await eventually(() => agentChanges.find((a) => a.username === second.username),
      'agentData in onAgentChange');
    assert.equal(change._id, second.id);

    // The visitor closes; the close message reaches the SDK (the widget's close flow keys on it).
    const closed = await lc.closeChat({ rid });
    assert.equal(closed.success, true);
    await eventually(() => messages.find((m) => m.t === 'livechat-close'), 'livechat-close message');
  } finally {
    if (lc) await lc.disconnect();
    if (agent) agent.close();
    for (const a of agents) await retire(admin, a);
  }
});
