-- Accounts (administrators, managers, agents) and their login tokens. The routing columns
-- (is_agent, status_livechat, open_chats…) are filled in as agents come.

CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    username          TEXT NOT NULL,
    username_lower    TEXT NOT NULL UNIQUE,
    email             TEXT UNIQUE,
    password_hash     TEXT,
    active            BOOLEAN NOT NULL,
    is_agent          BOOLEAN NOT NULL,
    status            TEXT NOT NULL,
    status_livechat   TEXT NOT NULL,
    open_chats        BIGINT NOT NULL DEFAULT 0 CHECK (open_chats >= 0),
    max_chats         BIGINT NOT NULL DEFAULT 0,
    last_assigned_at  BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    doc               TEXT NOT NULL
);
CREATE INDEX users_agents ON users (is_agent, status_livechat, open_chats, last_assigned_at);

-- Only a hash of each login token is stored.
CREATE TABLE login_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX login_tokens_user ON login_tokens (user_id);
