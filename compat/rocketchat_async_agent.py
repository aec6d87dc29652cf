"""The PyPI client rocketchat-async 4.3.0 as a livechat agent over DDP, against SERVER_URL: it
logs in with a password digest, finds the visitor's room with get_channels (rooms/get), receives
the visitor's message on its stream-room-messages subscription, types and replies. The visitor
side is plain REST plus a raw DDP socket (the `websockets` package rocketchat-async brings), so
the typing event and the reply are checked where a visitor would see them."""
import asyncio
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

import websockets
from rocketchat_async import RocketChat

SERVER = os.environ["SERVER_URL"]
WS_URL = SERVER.replace("http", "ws", 1) + "/websocket"
WAIT = 5.0


def fail(message):
    print(f"rocketchat-async: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def rest(method, path, body=None, who=None):
    headers = {"content-type": "application/json"}
    if who:
        headers.update({"X-User-Id": who["userId"], "X-Auth-Token": who["authToken"]})
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{SERVER}/api/v1/{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        fail(f"{method} {path} answered {error.code}: {error.read().decode()}")


def login(user, password):
    return rest("POST", "login", {"user": user, "password": password})["data"]


async def within(awaitable, what):
    try:
        return await asyncio.wait_for(awaitable, WAIT)
    except asyncio.TimeoutError:
        fail(f"no {what} within {WAIT:.0f} s")


class VisitorSocket:
    """The visitor's DDP connection, subscribed with its token as the widget does."""

    def __init__(self, socket):
        self.socket = socket
        self.frames = []
        self.arrived = asyncio.Event()
        self.reader = asyncio.create_task(self._read())
        self.next_id = 0

    async def _read(self):
        async for text in self.socket:
            frame = json.loads(text)
            if frame.get("msg") == "ping":
                await self.socket.send(json.dumps({"msg": "pong"}))
            self.frames.append(frame)
            self.arrived.set()

    async def frame(self, wanted, what):
        async def search():
            while True:
                for frame in self.frames:
                    if wanted(frame):
                        self.frames.remove(frame)
                        return frame
                self.arrived.clear()
                await self.arrived.wait()

        return await within(search(), what)

    async def send(self, frame):
        await self.socket.send(json.dumps(frame))

    async def sub(self, name, event_name, token):
        self.next_id += 1
        sub_id = f"v-{self.next_id}"
        args = [{"token": token, "visitorToken": token}]
        await self.send({"msg": "sub", "id": sub_id, "name": name,
                         "params": [event_name, {"useCollection": False, "args": args}]})
        ready = await self.frame(lambda f: sub_id in f.get("subs", []) or f.get("id") == sub_id, f"ready of {name}")
        if ready["msg"] != "ready":
            fail(f"visitor subscription {name} {event_name} refused: {ready}")

    async def event(self, collection, event_name, wanted, what):
        return await self.frame(
            lambda f: f.get("msg") == "changed" and f["collection"] == collection
            and f["fields"]["eventName"] == event_name and wanted(f["fields"]["args"]),
            what)


async def main():
    admin = login(os.environ["ADMIN_USER"], os.environ["ADMIN_PASSWORD"])
    # Earlier compatibility tests may have switched routing to manual.
    rest("POST", "settings/Livechat_Routing_Method", {"value": "Auto_Selection"}, admin)
    name = "async-agent-" + uuid.uuid4().hex[:8]
    password = "pw-" + uuid.uuid4().hex
    user = rest("POST", "users.create", {"username": name, "name": "Async Agent", "password": password,
                                         "email": f"{name}@example.com"}, admin)["user"]
    rest("POST", "livechat/users/agent", {"username": name}, admin)
    agent_rest = login(name, password)
    rest("POST", "users.setStatus", {"status": "online"}, agent_rest)
    rest("POST", "livechat/agent.status", {"status": "available"}, agent_rest)

    agent = RocketChat()
    await within(agent.start(WS_URL, name, password), "DDP login")
    if agent.user_id != user["_id"]:
        fail(f"login answered user id {agent.user_id}, expected {user['_id']}")

    token = "async-" + uuid.uuid4().hex
    rest("POST", "livechat/visitor", {"visitor": {"token": token, "name": "Async Visitor"}})
    room = rest("GET", f"livechat/room?token={token}")["room"]
    rid = room["_id"]
    if (room.get("servedBy") or {}).get("_id") != user["_id"]:
        fail(f"the room should go to the only available agent, got servedBy={room.get('servedBy')}")

    channels = await within(agent.get_channels(), "rooms/get result")
    if (rid, "l") not in channels:
        fail(f"get_channels() lacks the agent's room {rid}: {channels}")

    received = asyncio.Queue()
    await agent.subscribe_to_channel_messages_raw(rid, received.put_nowait)
    changed_rooms = asyncio.Queue()
    await agent.subscribe_to_channel_changes(
        lambda channel_id, channel_type: changed_rooms.put_nowait((channel_id, channel_type)))
    # rocketchat-async does not wait for `ready`; a method call behind the sub on the same
    # connection is answered only once the server has handled the sub.
    await within(agent.get_channels(), "rooms/get after subscribing")

    async with websockets.connect(WS_URL) as socket:
        visitor = VisitorSocket(socket)
        await visitor.send({"msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"]})
        await visitor.frame(lambda f: f.get("msg") == "connected", "visitor connected")
        await visitor.sub("stream-room-messages", rid, token)
        await visitor.sub("stream-notify-room", f"{rid}/typing", token)

        rest("POST", "livechat/message", {"token": token, "rid": rid, "msg": "question from a visitor"})

        async def visitor_message():
            while True:
                message = await received.get()
                if message.get("msg") == "question from a visitor":
                    return message

        message = await within(visitor_message(), "visitor message on the agent's subscription")
        # A visitor token is a credential: staff copies of a message never carry it.
        if message.get("rid") != rid or token in repr(message):
            fail(f"the agent received {message}")

        # The message updated the room (its last message): stream-notify-user rooms-changed.
        async def room_changed():
            while True:
                if await changed_rooms.get() == (rid, "l"):
                    return
        await within(room_changed(), "rooms-changed for the agent's room")

        await within(agent.send_typing_event(rid), "typing result")
        await visitor.event("stream-notify-room", f"{rid}/typing",
                            lambda args: args[:2] == [name, True], "the agent's typing at the visitor")

        await within(agent.send_message("reply from rocketchat-async", rid), "sendMessage result")
        pushed = await visitor.event("stream-room-messages", rid,
                                     lambda args: args[0].get("msg") == "reply from rocketchat-async",
                                     "the agent's reply at the visitor")
        if pushed["fields"]["args"][0]["u"]["username"] != name:
            fail(f"the reply was pushed as {pushed}")
        visitor.reader.cancel()

    history = rest("GET", f"livechat/messages.history/{rid}?token={token}")["messages"]
    replies = [m for m in history if m["msg"] == "reply from rocketchat-async"]
    if len(replies) != 1 or replies[0]["u"]["username"] != name:
        fail(f"the visitor's history should hold the reply once: {[m['msg'] for m in history]}")

    # Leave nothing behind that would route later tests' chats.
    rest("POST", "livechat/room.close", {"rid": rid, "token": token})
    rest("POST", "livechat/agent.status", {"status": "not-available"}, agent_rest)
    rest("DELETE", f"livechat/users/agent/{user['_id']}", None, admin)
    print(f"rocketchat-async (agent): {name} logged in over DDP, listed {rid}, received, saw the room change, typed, replied")
    print("1 passed, 0 failed")


asyncio.run(main())
