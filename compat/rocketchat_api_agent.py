"""The PyPI client rocketchat-api 3.7.1 drives the agent side against SERVER_URL: an
administrator logs in, creates an agent, changes settings and the appearance; the agent logs
in, goes available, takes a queued chat (Manual_Selection), replies, edits, and closes it."""
import os
import sys
import uuid

from rocketchat_API.rocketchat import RocketChat

server = os.environ["SERVER_URL"]
admin = RocketChat(os.environ["ADMIN_USER"], os.environ["ADMIN_PASSWORD"], server_url=server)
assert admin.me()["username"] == os.environ["ADMIN_USER"]

# Settings: chats wait for an agent to take them.
assert admin.settings_update("Livechat_Routing_Method", "Manual_Selection")["success"]
assert admin.settings_get("Livechat_Routing_Method")["value"] == "Manual_Selection"
assert admin.livechat_set_appearance([{"_id": "Livechat_title", "value": "Py Support"}])["success"]
appearance = {s["_id"]: s["value"] for s in admin.livechat_get_appearance()["appearance"]}
assert appearance["Livechat_title"] == "Py Support", appearance

# An agent account, made a livechat agent.
name = "py-agent-" + uuid.uuid4().hex[:8]
created = admin.users_create(email=f"{name}@example.com", name="Py Agent", password="py-agent-pass", username=name)
agent_id = created["user"]["_id"]
assert admin.livechat_create_user("agent", username=name)["user"]["_id"] == agent_id
listed = [u["username"] for u in admin.livechat_get_users("agent")]
assert name in listed, listed
assert admin.livechat_get_user("agent", agent_id)["user"]["username"] == name

agent = RocketChat(name, "py-agent-pass", server_url=server)
agent.users_set_status(message="", status="online")
status = agent.call_api_post("livechat/agent.status", status="available")
assert status["status"] == "available", status

# A visitor's chat waits in the queue; the agent sees it and takes it.
token = "py-" + uuid.uuid4().hex
admin.livechat_register_visitor(token=token, visitor={"name": "Py Visitor"})
room = admin.livechat_room(token=token)["room"]
admin.livechat_message(token=token, rid=room["_id"], msg="hello, is anyone there?")
queued = [i for i in admin.livechat_inquiries_list() if i["rid"] == room["_id"]]
assert len(queued) == 1, queued
inquiry = admin.livechat_inquiries_get_one(room["_id"])["inquiry"]
assert inquiry["_id"] == queued[0]["_id"]
taken = agent.livechat_inquiries_take(inquiry["_id"])
assert taken["success"], taken

reply = agent.chat_send_message({"rid": room["_id"], "msg": "Hi! How can I help?"})["message"]
edited = agent.chat_update(room_id=room["_id"], msg_id=reply["_id"], text="Hi, how can I help you?")
assert edited["message"]["msg"] == "Hi, how can I help you?", edited
history = [m["msg"] for m in admin.livechat_messages_history(rid=room["_id"], token=token)]
assert "Hi, how can I help you?" in history, history

mine = list(agent.livechat_rooms(agents=[agent_id], open="true"))
assert [r["_id"] for r in mine] == [room["_id"]], mine
assert agent.call_api_post("livechat/room.closeByUser", rid=room["_id"])["success"]
closed = list(admin.livechat_rooms(open="false"))
assert room["_id"] in [r["_id"] for r in closed], closed

assert admin.livechat_delete_user("agent", agent_id)["success"]
assert name not in [u["username"] for u in admin.livechat_get_users("agent")]
print(f"rocketchat-api (agent): settings, appearance, agent {name} took {room['_id']}, replied, edited, closed")
print("1 passed, 0 failed")
sys.exit(0)
