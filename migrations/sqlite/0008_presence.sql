-- Presence that every process sees, and that outlives the process that recorded it.
--
-- Each server process (node) holds a lease it renews on a heartbeat; under it, it records how
-- many realtime connections each user (`kind` 'user', `holder` the user id) and each visitor
-- (`kind` 'visitor', `holder` its token) has on that node. Someone is connected while any lease
-- still present holds a row of theirs with `connections > 0`. A row that drops to zero keeps
-- `released_at`: the grace period runs from there, in the database, so a node dying during it
-- cannot leave an agent online. A node that dies stops renewing; once its lease has been
-- expired for longer than the grace period, any live node deletes it (its rows go with it)
-- and settles the people it held.
CREATE TABLE presence_leases (
    node_id     TEXT PRIMARY KEY,
    started_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX presence_leases_by_expiry ON presence_leases (expires_at);

CREATE TABLE presence_connections (
    node_id      TEXT NOT NULL REFERENCES presence_leases (node_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    holder       TEXT NOT NULL,
    connections  BIGINT NOT NULL,
    released_at  BIGINT NOT NULL,
    PRIMARY KEY (node_id, kind, holder)
);
CREATE INDEX presence_connections_by_holder ON presence_connections (kind, holder);
CREATE INDEX presence_connections_released ON presence_connections (connections, released_at);
