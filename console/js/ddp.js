// One DDP connection per tab (Meteor's protocol, as Rocket.Chat's clients speak it): log in by
// resume token, subscribe to streams, call methods. When the socket drops it reconnects by
// itself with backoff, logs in again and resubscribes each stream with `since` = the last
// event `seq` it received there, so the server replays exactly what was missed, once.

const PING_TIMEOUT_MS = 45_000;

export class Ddp extends EventTarget {
  constructor(url, resumeToken) {
    super();
    this.url = url;
    this.resumeToken = resumeToken;
    this.nextId = 1;
    this.pending = new Map(); // method id -> {resolve, reject}
    this.streams = new Map(); // sub id -> {name, event, handler, since, ready}
    this.state = "connecting"; // connecting | online | offline | closed
    this.attempt = 0;
    this.connect();
  }

  /** `state` changes: "connecting", "online", "offline" (waiting to retry), "closed". */
  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: state }));
  }

  connect() {
    this.setState(this.attempt === 0 ? "connecting" : "offline");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.send({ msg: "connect", version: "1", support: ["1", "pre2", "pre1"] });
    };
    socket.onmessage = (event) => {
      this.lastFrameAt = Date.now();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.receive(frame);
    };
    socket.onclose = () => this.dropped(socket);
    socket.onerror = () => socket.close();
    clearInterval(this.watchdog);
    this.lastFrameAt = Date.now();
    // A half-open connection (a laptop waking up, a proxy dropping it) sends nothing; the
    // server pings every 30 s, so a minute of silence means it is gone.
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastFrameAt > PING_TIMEOUT_MS + 15_000) socket.close();
    }, 5000);
  }

  dropped(socket) {
    if (socket !== this.socket || this.state === "closed") return;
    clearInterval(this.watchdog);
    for (const { reject } of this.pending.values()) reject(new Error("connection lost"));
    this.pending.clear();
    for (const stream of this.streams.values()) stream.ready = false;
    this.setState("offline");
    this.attempt += 1;
    const delay = Math.min(10_000, 500 * 2 ** Math.min(this.attempt - 1, 5));
    this.retry = setTimeout(() => this.connect(), delay * (0.75 + Math.random() * 0.5));
  }

  /** Reconnects now instead of waiting for the backoff (e.g. the browser came back online). */
  reconnectSoon() {
    if (this.state !== "offline") return;
    clearTimeout(this.retry);
    this.connect();
  }

  close() {
    this.setState("closed");
    clearTimeout(this.retry);
    clearInterval(this.watchdog);
    this.socket?.close();
  }

  send(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  async receive(frame) {
    switch (frame.msg) {
      case "connected":
        await this.loggedIn();
        return;
      case "ping":
        this.send({ msg: "pong", ...(frame.id ? { id: frame.id } : {}) });
        return;
      case "result": {
        const call = this.pending.get(frame.id);
        if (!call) return;
        this.pending.delete(frame.id);
        if (frame.error) call.reject(Object.assign(new Error(frame.error.reason || frame.error.error), frame.error));
        else call.resolve(frame.result);
        return;
      }
      case "ready":
        for (const id of frame.subs ?? []) {
          const stream = this.streams.get(id);
          if (stream) stream.ready = true;
        }
        return;
      case "nosub": {
        const stream = this.streams.get(frame.id);
        if (stream && frame.error) {
          this.streams.delete(frame.id);
          stream.onRefused?.(frame.error);
        }
        return;
      }
      case "changed":
        this.deliver(frame);
        return;
      default:
    }
  }

  async loggedIn() {
    try {
      const result = await this.methodNow("login", [{ resume: this.resumeToken }]);
      this.userId = result.id;
    } catch (error) {
      // A refused resume token means the login is over; a busy server means try later.
      if (error.error === 403 || error.error === "403") {
        this.close();
        this.dispatchEvent(new CustomEvent("loggedout"));
      } else {
        this.socket.close();
      }
      return;
    }
    this.attempt = 0;
    for (const [id, stream] of this.streams) this.sendSub(id, stream);
    this.setState("online");
  }

  deliver(frame) {
    const eventName = frame.fields?.eventName;
    for (const stream of this.streams.values()) {
      if (stream.name !== frame.collection || stream.event !== eventName) continue;
      if (typeof frame.seq === "number") {
        // Catch-up and live delivery never overlap on the server; this guards a replay
        // racing a resubscription on our side.
        if (stream.since !== undefined && frame.seq <= stream.since) continue;
        stream.since = frame.seq;
      }
      stream.handler(...(frame.fields.args ?? []));
    }
  }

  /**
   * Subscribes to `event` of stream `name`; `handler` receives the event's args. Survives
   * reconnects (resubscribed with `since`). Returns a function that unsubscribes.
   */
  subscribe(name, event, handler, { onRefused } = {}) {
    const id = `s${this.nextId++}`;
    const stream = { name, event, handler, onRefused, since: undefined, ready: false };
    this.streams.set(id, stream);
    if (this.state === "online") this.sendSub(id, stream);
    return () => {
      if (this.streams.delete(id)) this.send({ msg: "unsub", id });
    };
  }

  sendSub(id, stream) {
    const options = { useCollection: false, args: [] };
    if (stream.since !== undefined) options.since = stream.since;
    this.send({ msg: "sub", id, name: stream.name, params: [stream.event, options] });
  }

  /** Calls a method once logged in; rejects if the connection is down. */
  method(name, params = []) {
    if (this.state !== "online") return Promise.reject(new Error("not connected"));
    return this.methodNow(name, params);
  }

  methodNow(name, params) {
    const id = `m${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ msg: "method", id, method: name, params });
    });
  }
}

export function websocketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/websocket`;
}
