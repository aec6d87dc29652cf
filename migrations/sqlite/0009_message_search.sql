-- Full-text search over what visitors and agents wrote (`livechat/rooms.search`,
-- `visitors.searchChats`' `searchText`): visible chat messages only (no system messages such as
-- `livechat-close` or navigation history, which all have a `t`, and nothing hidden).
--
-- Contentless (the text already lives in `messages.doc`, so it is not stored twice) with
-- `contentless_delete=1` (SQLite 3.43+; sqlx's bundled libsqlite3-sys 0.30 is 3.46), which lets
-- rows be deleted by rowid alone. The rowid is `messages.seq`. Triggers keep the index in step
-- with every write, whichever path made it (sqlx or the rusqlite group commit): an edit
-- replaces the old text, a deleted message (or room, or visitor) leaves the index.
-- `remove_diacritics 2` folds accents, so "cafe" finds "Café"; unicode61 folds case.
CREATE VIRTUAL TABLE message_search USING fts5(
    msg,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO message_search (rowid, msg)
    SELECT seq, json_extract(doc, '$.msg') FROM messages WHERE t IS NULL AND hidden = 0;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages
    WHEN new.t IS NULL AND new.hidden = 0
BEGIN
    INSERT INTO message_search (rowid, msg) VALUES (new.seq, json_extract(new.doc, '$.msg'));
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages
    WHEN old.t IS NULL AND old.hidden = 0
BEGIN
    DELETE FROM message_search WHERE rowid = old.seq;
END;

-- An update may change the text (an edit), hide the message or change its type: take the old
-- row out if it was indexed, and put the new one in if it qualifies.
CREATE TRIGGER message_search_update AFTER UPDATE ON messages
BEGIN
    DELETE FROM message_search WHERE rowid = old.seq AND old.t IS NULL AND old.hidden = 0;
    INSERT INTO message_search (rowid, msg)
        SELECT new.seq, json_extract(new.doc, '$.msg') WHERE new.t IS NULL AND new.hidden = 0;
END;
