//! Black-box tests of the HTTP API: the real app on port 0, real HTTP, a database per test.
//! Every test runs on SQLite, and on PostgreSQL when `LIVECHAT_TEST_DATABASE_URL` is set.

mod helpers;

mod accounts;
mod agent_chat;
mod agent_messages;
mod agent_side;
mod appearance;
mod boundaries;
mod business_hours;
mod concurrency;
mod console_api;
mod conversation_search;
mod custom_field_admin;
mod departments;
mod desk_features;
mod durability;
mod first_run;
mod forward;
mod hostile;
mod inquiries;
mod login_abuse;
mod mail;
mod messages;
mod offline;
mod offline_admin;
mod outage;
mod outbox;
mod permissions;
mod queue_actions;
mod queue_info;
mod realtime;
mod rooms;
mod routing;
mod session_details;
mod sessions;
mod smoke;
mod staff_views;
mod triggers;
mod uploads;
mod visitors;
mod webhooks;
mod widget;
mod widget_build;
mod write_paths;
