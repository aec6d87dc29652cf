-- Which agents serve which department, with Rocket.Chat's routing order fields.
CREATE TABLE department_agents (
    department_id  TEXT NOT NULL,
    agent_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    username       TEXT NOT NULL,
    sort_order     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, agent_id)
);
CREATE INDEX department_agents_agent ON department_agents (agent_id);

-- Roles as ",role1,role2," so a role test is an exact LIKE '%,role,%'.
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';
