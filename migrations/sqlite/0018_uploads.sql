-- Uploaded files (Rocket.Chat's `rocketchat_uploads`): who uploaded what into which room, and
-- where its bytes are (`storage_key` in the configured file storage). The message that shows a
-- file refers to it by id; a row without a message is an agent's `rooms.media` upload not yet
-- confirmed. Rows go with their room or their visitor; the bytes are removed after that commit.
CREATE TABLE uploads (
    id            TEXT PRIMARY KEY,
    rid           TEXT NOT NULL,
    -- The uploader: a visitor's token, or a staff user's id (one of the two).
    visitor_token TEXT,
    user_id       TEXT,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    storage_key   TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX uploads_rid ON uploads (rid);
CREATE INDEX uploads_visitor_token ON uploads (visitor_token);
