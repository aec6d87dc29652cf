-- The departments API: a case-folded name for the `text` filter, the fallback department (so
-- deleting a department can unset it elsewhere), and the fields of Rocket.Chat's department-agent
-- link documents (`_id`, `count`, `_updatedAt`).
ALTER TABLE departments ADD COLUMN name_lower TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN fallback_department TEXT;
UPDATE departments SET name_lower = LOWER(name);
CREATE INDEX departments_name_lower ON departments (name_lower, id);
CREATE INDEX departments_fallback ON departments (fallback_department);

ALTER TABLE department_agents ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE department_agents ADD COLUMN chat_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE department_agents ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE department_agents SET id = department_id || '-' || agent_id WHERE id = '';
CREATE INDEX department_agents_by_username ON department_agents (department_id, username);

-- Open rooms and inquiries are detached from a department when it is deleted.
CREATE INDEX rooms_department ON rooms (department_id) WHERE open;
CREATE INDEX inquiries_department ON inquiries (department);
