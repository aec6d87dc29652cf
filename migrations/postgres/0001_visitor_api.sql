-- Every table keeps the Rocket.Chat document as JSON in `doc`, beside the columns queries filter
-- and sort on. Times are epoch milliseconds.

CREATE TABLE visitors (
    id          TEXT PRIMARY KEY,
    token       TEXT NOT NULL UNIQUE,
    username    TEXT NOT NULL UNIQUE,
    name        TEXT,
    email       TEXT,
    phone       TEXT,
    department  TEXT,
    ts          BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX visitors_email ON visitors (email);
CREATE INDEX visitors_phone ON visitors (phone);

CREATE TABLE rooms (
    id             TEXT PRIMARY KEY,
    visitor_id     TEXT NOT NULL,
    visitor_token  TEXT NOT NULL,
    open           BOOLEAN NOT NULL,
    served_by      TEXT,
    department_id  TEXT,
    ts             BIGINT NOT NULL,
    closed_at      BIGINT,
    updated_at     BIGINT NOT NULL,
    doc            TEXT NOT NULL
);
-- The invariant "at most one open room per visitor", held by the database under any concurrency.
CREATE UNIQUE INDEX rooms_one_open_per_visitor ON rooms (visitor_token) WHERE open;
CREATE INDEX rooms_visitor_token ON rooms (visitor_token, ts);
CREATE INDEX rooms_visitor_id ON rooms (visitor_id, ts);
CREATE INDEX rooms_served_by ON rooms (served_by) WHERE open;
CREATE INDEX rooms_ts ON rooms (ts);

CREATE TABLE inquiries (
    id          TEXT PRIMARY KEY,
    rid         TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL,
    department  TEXT,
    queued_at   BIGINT NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX inquiries_queue ON inquiries (status, queued_at);

CREATE TABLE messages (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    rid         TEXT,
    token       TEXT,
    t           TEXT,
    hidden      BOOLEAN NOT NULL,
    ts          BIGINT NOT NULL,
    expire_at   BIGINT,
    doc         TEXT NOT NULL
);
CREATE INDEX messages_room ON messages (rid, seq);
CREATE INDEX messages_orphan_navigation ON messages (token) WHERE rid IS NULL;
CREATE INDEX messages_expire ON messages (expire_at) WHERE expire_at IS NOT NULL;

CREATE TABLE visitor_sessions (
    id          TEXT PRIMARY KEY,
    token       TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX visitor_sessions_status ON visitor_sessions (status, updated_at);

CREATE TABLE offline_messages (
    id          TEXT PRIMARY KEY,
    department  TEXT,
    ts          BIGINT NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX offline_messages_ts ON offline_messages (ts);

CREATE TABLE departments (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    enabled     BOOLEAN NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX departments_name ON departments (name);

CREATE TABLE custom_fields (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL,
    doc         TEXT NOT NULL
);

CREATE TABLE triggers (
    id          TEXT PRIMARY KEY,
    enabled     BOOLEAN NOT NULL,
    doc         TEXT NOT NULL
);

CREATE TABLE settings (
    id          TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Named counters incremented atomically (guest-N usernames).
CREATE TABLE counters (
    name        TEXT PRIMARY KEY,
    value       BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('guest', 1);
