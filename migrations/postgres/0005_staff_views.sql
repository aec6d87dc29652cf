-- Columns and indexes behind the agents' read views (`livechat/rooms`, `visitors.search`,
-- `visitors.pagesVisited`): lower-cased copies of the names searched by substring (so matching
-- is case-insensitive in the same way on both backends; the application writes them), the
-- visitor's last chat time for sorting, and indexes on what the room list filters by.

ALTER TABLE rooms ADD COLUMN fname_lower TEXT;
UPDATE rooms SET fname_lower = lower((doc::jsonb) ->> 'fname');
CREATE INDEX rooms_department_ts ON rooms (department_id, ts);
CREATE INDEX rooms_served_by_ts ON rooms (served_by, ts);
CREATE INDEX rooms_open_ts ON rooms (open, ts);
CREATE INDEX rooms_closed_at ON rooms (closed_at);

ALTER TABLE visitors ADD COLUMN name_lower TEXT;
ALTER TABLE visitors ADD COLUMN username_lower TEXT;
ALTER TABLE visitors ADD COLUMN last_chat_ts BIGINT;
-- `lastChat.ts` is stored as an ISO-8601 string; the column holds epoch milliseconds.
UPDATE visitors SET name_lower = lower(name), username_lower = lower(username),
    last_chat_ts = round(extract(epoch FROM ((doc::jsonb) -> 'lastChat' ->> 'ts')::timestamptz) * 1000)::bigint;
CREATE INDEX visitors_ts ON visitors (ts);
CREATE INDEX visitors_last_chat_ts ON visitors (last_chat_ts);

-- A room's navigation history (`t = 'livechat_navigation_history'`) without scanning its chat.
CREATE INDEX messages_room_type ON messages (rid, t, ts);
