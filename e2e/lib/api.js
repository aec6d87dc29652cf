// REST helpers against the server under test: staff log-in, agents, departments, routing,
// and a visitor (registration, room, messages, page visits) as the widget would call them.
'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');

class Api {
  constructor(url) {
    this.url = url;
  }

  /** One call; asserts HTTP 200 and answers the parsed body. */
  async call(method, path, { auth, body } = {}) {
    const headers = { 'content-type': 'application/json' };
    if (auth) {
      headers['x-auth-token'] = auth.authToken;
      headers['x-user-id'] = auth.userId;
    }
    const response = await fetch(`${this.url}/api/v1/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let answer;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = text;
    }
    assert.equal(response.status, 200, `${method} ${path}: ${text}`);
    return answer;
  }

  get(path, auth) {
    return this.call('GET', path, { auth });
  }

  post(path, body, auth) {
    return this.call('POST', path, { auth, body: body ?? {} });
  }

  async login(username, password) {
    const { data } = await this.post('login', { user: username, password });
    return { authToken: data.authToken, userId: data.userId, username, password };
  }

  /** Routing: `Auto_Selection` or `Manual_Selection`. */
  setRouting(admin, method) {
    return this.post('settings/Livechat_Routing_Method', { value: method }, admin);
  }

  /**
   * A new agent, logged in over REST; `available` (default true) puts it online and available
   * for routing, `departments` adds it to those, `roles` are given at creation (e.g. a manager).
   */
  async createAgent(admin, username, { available = true, departments = [], name, roles } = {}) {
    const password = `pw-${crypto.randomBytes(6).toString('hex')}`;
    await this.post('users.create', {
      name: name ?? username, email: `${username}@example.com`, password, username, ...(roles ? { roles } : {}),
    }, admin);
    await this.post('livechat/users/agent', { username }, admin);
    const agent = await this.login(username, password);
    for (const department of departments) {
      await this.post(`livechat/department/${department}/agents`,
        { upsert: [{ agentId: agent.userId, username }], remove: [] }, admin);
    }
    await this.setAvailable(agent, available);
    return agent;
  }

  async setAvailable(agent, available) {
    await this.post('users.setStatus', { status: 'online' }, agent);
    const answer = await this.post('livechat/agent.status',
      { status: available ? 'available' : 'not-available' }, agent);
    assert.equal(answer.status, available ? 'available' : 'not-available');
  }

  async createDepartment(admin, name) {
    const { department } = await this.post('livechat/department', {
      department: { name, enabled: true, showOnRegistration: true, showOnOfflineForm: true, email: '' },
    }, admin);
    return department._id;
  }

  /**
   * A page view as the site's tracker reports it: the navigation history (`page.visited`),
   * the session's page count (`session.updateVisitCount`) and presence (`updateSessionStatus`).
   */
  async trackVisit(token, rid, href, title) {
    await this.post('livechat/page.visited', { token, rid, pageInfo: { change: 'url', title, location: { href } } });
    const { updatedCount } = await this.post(`livechat/session.updateVisitCount/${encodeURIComponent(token)}`);
    await this.post('livechat/session.updateSessionStatus', { token, status: 'online' });
    return updatedCount;
  }

  /** A registered visitor with an open room; `message(text)` writes in it. */
  async visitor({ name = 'Visitor', department, email } = {}) {
    const token = `e2e-${crypto.randomBytes(8).toString('hex')}`;
    const body = { visitor: { token, name, ...(email ? { email } : {}), ...(department ? { department } : {}) } };
    const { visitor } = await this.post('livechat/visitor', body);
    const { room } = await this.get(`livechat/room?token=${encodeURIComponent(token)}`);
    const api = this;
    return {
      token,
      visitor,
      rid: room._id,
      name,
      message(msg) {
        return api.post('livechat/message', { token, rid: room._id, msg });
      },
      visit(href, title) {
        return api.trackVisit(token, room._id, href, title);
      },
    };
  }
}

module.exports = { Api };
