"""The PyPI client rocketchat-api 3.7.1 drives the visitor REST flow against SERVER_URL."""
import os
import sys
import uuid

from rocketchat_API.rocketchat import RocketChat

server = os.environ["SERVER_URL"]
rc = RocketChat(server_url=server)
token = "py-" + uuid.uuid4().hex

visitor = rc.livechat_register_visitor(token=token, visitor={"name": "Py Visitor"})
assert visitor["success"] and visitor["visitor"]["token"] == token, visitor
assert rc.livechat_get_visitor(token=token)["visitor"]["_id"] == visitor["visitor"]["_id"]

room = rc.livechat_room(token=token)["room"]
assert room["open"] and room["v"]["token"] == token, room

for i in range(60):
    sent = rc.livechat_message(token=token, rid=room["_id"], msg=f"py message {i}")
    assert sent["success"], sent

# The paginated generator pages with offset/count until a page comes back short.
history = list(rc.livechat_messages_history(rid=room["_id"], token=token))
texts = {m["msg"] for m in history}
missing = [i for i in range(60) if f"py message {i}" not in texts]
assert not missing, f"history is missing {missing}"
print(f"rocketchat-api: registered, opened {room['_id']}, sent 60 messages, read {len(history)} back")
print("1 passed, 0 failed")
sys.exit(0)
