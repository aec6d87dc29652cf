-- Who an event is for, beyond its stream event name, and where it came from:
-- `audience` narrows delivery to one user's subscription (`__my_messages__`), `origin` names the
-- process and connection that caused it (a typing notification is not echoed to its sender).
ALTER TABLE events ADD COLUMN audience TEXT;
ALTER TABLE events ADD COLUMN origin TEXT;

-- Every statement that adds events wakes the dispatchers of all processes at commit (NOTIFY is
-- delivered only then, and identical notifications of one transaction are folded into one),
-- without a round trip of its own from the server.
CREATE FUNCTION notify_livechat_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('livechat_events', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_livechat_events();
