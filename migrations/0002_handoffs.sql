-- Handoffs with their context packets, and the dev outbox: the zero-configuration notification
-- channel that stores what would be sent to Slack, the CRM or email.
CREATE TABLE handoffs (
  id               TEXT PRIMARY KEY,
  project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  conversation_id  TEXT NOT NULL,
  status           TEXT NOT NULL,           -- pending | notified | claimed | active | resolved | abandoned | converted_to_ticket
  mode             TEXT NOT NULL,           -- live | capture
  trigger          TEXT NOT NULL,           -- hot_lead | explicit_request | out_of_scope | sensitive | frustration | stall | bot_failure | manual
  route            TEXT,                    -- sales | account_management | legal | support
  priority         TEXT NOT NULL,
  lead_level       TEXT NOT NULL,
  visitor_email    TEXT,
  packet           TEXT NOT NULL,           -- JSON context packet (domain/context-packet.ts)
  claimed_by       TEXT,
  claimed_by_name  TEXT,
  claimed_at       TEXT,
  first_human_reply_at TEXT,
  resolved_at      TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX handoffs_by_project_status ON handoffs (project_id, status, created_at);
CREATE INDEX handoffs_by_conversation ON handoffs (conversation_id);

CREATE TABLE notifications (
  id          TEXT PRIMARY KEY,             -- the job id: a redelivered job is stored once
  project_id  TEXT NOT NULL,
  handoff_id  TEXT,
  kind        TEXT NOT NULL,                -- handoff.opened | handoff.updated | …
  channel     TEXT NOT NULL,                -- outbox (more channels arrive with their adapters)
  payload     TEXT NOT NULL,                -- JSON: the validated job
  created_at  TEXT NOT NULL
);
CREATE INDEX notifications_by_project ON notifications (project_id, created_at);

-- Jobs a channel refused for good (invalid job, 4xx from a provider) or that ran out of retries.
CREATE TABLE notification_failures (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id      TEXT,
  channel     TEXT NOT NULL,
  error       TEXT NOT NULL,
  payload     TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
