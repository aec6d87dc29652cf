-- Who an event is for, beyond its stream event name, and where it came from:
-- `audience` narrows delivery to one user's subscription (`__my_messages__`), `origin` names the
-- process and connection that caused it (a typing notification is not echoed to its sender).
ALTER TABLE events ADD COLUMN audience TEXT;
ALTER TABLE events ADD COLUMN origin TEXT;
