-- Canned responses (Rocket.Chat's `rocketchat_canned_response`) and livechat tags
-- (`rocketchat_livechat_tag`). The columns beside `doc` are what the listings filter and sort
-- by; the tag lists live in link tables so that "any of these tags" and "tags of these
-- departments" are plain indexed joins on both backends.
CREATE TABLE canned_responses (
    id             TEXT PRIMARY KEY,
    -- Unique, as Rocket.Chat's `error-invalid-shortcut` requires; the index also settles two
    -- concurrent saves of one shortcut.
    shortcut       TEXT NOT NULL UNIQUE,
    shortcut_lower TEXT NOT NULL,
    text_lower     TEXT NOT NULL,
    scope          TEXT NOT NULL,
    user_id        TEXT,
    department_id  TEXT,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    doc            TEXT NOT NULL
);
CREATE INDEX canned_responses_scope ON canned_responses (scope, user_id, department_id);

CREATE TABLE canned_response_tags (
    response_id TEXT NOT NULL REFERENCES canned_responses (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (response_id, tag)
);
CREATE INDEX canned_response_tags_tag ON canned_response_tags (tag);

CREATE TABLE livechat_tags (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    name_lower        TEXT NOT NULL,
    description_lower TEXT NOT NULL,
    doc               TEXT NOT NULL
);

-- A tag with no rows here belongs to every department.
CREATE TABLE livechat_tag_departments (
    tag_id        TEXT NOT NULL REFERENCES livechat_tags (id) ON DELETE CASCADE,
    department_id TEXT NOT NULL,
    PRIMARY KEY (tag_id, department_id)
);
CREATE INDEX livechat_tag_departments_department ON livechat_tag_departments (department_id);
