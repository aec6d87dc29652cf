-- Rocket.Chat's `rocketchat_livechat_business_hour`: the document, with its type beside it
-- (the default one is looked up by type). Community edition keeps one, of type "default".
CREATE TABLE business_hours (
    id   TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    doc  TEXT NOT NULL
);
CREATE INDEX business_hours_type ON business_hours (type, id);

-- Agents the closing made not-available (Rocket.Chat's `livechatStatusSystemModified`):
-- only they are made available again at opening, not those who chose to be away.
CREATE TABLE business_hour_paused_agents (
    user_id TEXT PRIMARY KEY
);
