-- Realtime events: written in the transaction of the change they describe, fanned out to
-- subscribers once it commits (by every server process sharing the database), and kept a
-- short while so a reconnecting client can catch up. The id orders each room's events.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    collection  TEXT NOT NULL,
    event_name  TEXT NOT NULL,
    args        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX events_by_name ON events (event_name, id);
CREATE INDEX events_by_age ON events (created_at);
