-- Which roles hold each permission (Rocket.Chat's `rocketchat_permissions`): seeded at start with
-- Rocket.Chat's defaults for permissions not stored yet, then edited through
-- `permissions.update`. `roles` is a JSON array of role ids; `updated_at` (ms) answers
-- `permissions.listAll?updatedSince=`.
CREATE TABLE permissions (
    id          TEXT PRIMARY KEY,
    roles       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Every change made through `permissions.update`, who made it, and the roles before and after:
-- the audit trail that outlives the log.
CREATE TABLE permission_changes (
    id             BIGSERIAL PRIMARY KEY,
    permission_id  TEXT NOT NULL,
    roles_before   TEXT NOT NULL,
    roles_after    TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    username       TEXT NOT NULL,
    changed_at     BIGINT NOT NULL
);
CREATE INDEX permission_changes_by_permission ON permission_changes (permission_id, id);
