-- The delivery outbox: everything that leaves the server (e-mail, webhooks) is a row written in
-- the transaction of its cause, then sent by a worker that retries with backoff. A crash loses
-- nothing (the row is there at restart); a slow mail server or CRM never slows a request.
--   kind          which courier sends it ("mail", "webhook")
--   ordering_key  deliveries sharing a key go out one at a time, oldest first (a room's webhooks)
--   summary       a line for administrators ("mail to a@b.c: Transcript of …")
--   state         pending | sent | failed (failed = given up after the courier's last attempt)
--   claimed_until a sender's lease while it tries (ms); another process may take over after it
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    ordering_key    TEXT,
    summary         TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_in_order ON deliveries (ordering_key, id) WHERE state = 'pending';
CREATE INDEX deliveries_listing ON deliveries (state, id);
