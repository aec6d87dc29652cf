-- Offline messages are read and handled by staff in the console (`livechat/offline.messages`):
-- who marked one handled and when (both NULL while it waits for an answer).
ALTER TABLE offline_messages ADD COLUMN handled_at BIGINT;
ALTER TABLE offline_messages ADD COLUMN handled_by_id TEXT;
ALTER TABLE offline_messages ADD COLUMN handled_by_username TEXT;
-- The console's default view: the unhandled ones, newest first.
CREATE INDEX offline_messages_unhandled ON offline_messages (ts) WHERE handled_at IS NULL;
