-- Full-text search over what visitors and agents wrote (`livechat/rooms.search`,
-- `visitors.searchChats`' `searchText`): visible chat messages only (no system messages such as
-- `livechat-close` or navigation history, which all have a `t`, and nothing hidden).
--
-- An expression index, so the database keeps it in step with every insert, edit and delete by
-- itself. Queries must repeat the exact expression and the partial-index condition
-- (`t IS NULL AND NOT hidden`) for the planner to use it; `doc` is TEXT, hence the cast.
--
-- The configuration is `simple` (no stemming, no stop words: chats are in any language) plus
-- the `unaccent` dictionary, so "cafe" finds "Café". `unaccent` is a contrib extension, trusted
-- since PostgreSQL 13 (a database owner may create it); where it cannot be created, search
-- still works, only accent-sensitively.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'extension unaccent unavailable (%): message search will be accent-sensitive', SQLERRM;
END
$$;

CREATE TEXT SEARCH CONFIGURATION livechat_search (COPY = pg_catalog.simple);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'unaccent') THEN
        ALTER TEXT SEARCH CONFIGURATION livechat_search
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END
$$;

CREATE INDEX messages_search ON messages
    USING GIN (to_tsvector('livechat_search', doc::json ->> 'msg'))
    WHERE t IS NULL AND NOT hidden;
