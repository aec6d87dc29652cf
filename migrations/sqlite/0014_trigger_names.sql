-- Triggers are listed by name (Rocket.Chat's `GET livechat/triggers` sorts by `name`), so the
-- name gets a column of its own beside the document; rows written before keep theirs.
ALTER TABLE triggers ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE triggers SET name = COALESCE(json_extract(doc, '$.name'), '');
CREATE INDEX triggers_name ON triggers (name, id);
