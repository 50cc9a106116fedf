-- Where a project's handoffs reach people (Slack now; CRM, email and Teams through the same
-- registry), one delivery record per (job, channel) so a retried job never re-posts to a channel
-- that already took it, and what Slack needs to map its threads and users back to Baton.
CREATE TABLE project_channels (
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,               -- slack | outbox | (later) hubspot | webhook | email | teams
  config      TEXT NOT NULL DEFAULT '{}',  -- JSON, non-secret (channel id, team id, URLs…)
  secret      TEXT,                        -- encrypted at rest (adapters/secret-box.ts); never returned
  enabled     INTEGER NOT NULL DEFAULT 1,
  health      TEXT NOT NULL DEFAULT 'ok',  -- ok | failing (a permanent error on the last delivery)
  last_error  TEXT,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (project_id, kind)
);

CREATE TABLE deliveries (
  job_id       TEXT NOT NULL,
  channel      TEXT NOT NULL,
  project_id   TEXT NOT NULL,
  handoff_id   TEXT,
  kind         TEXT NOT NULL,              -- the job's kind (handoff.opened, handoff.message…)
  status       TEXT NOT NULL,              -- queued (accepted by the channel's poster) | delivered | retrying | failed
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  external_ref TEXT,                       -- e.g. the Slack message ts
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (job_id, channel)
);
CREATE INDEX deliveries_by_handoff ON deliveries (handoff_id, updated_at);

-- The Slack alert of a handoff: its channel and ts (the thread's parent).
CREATE TABLE slack_threads (
  handoff_id  TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL,
  channel_id  TEXT NOT NULL,
  ts          TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX slack_threads_by_ts ON slack_threads (channel_id, ts);

-- Events API deliveries already handled (Slack retries with the same event_id).
CREATE TABLE slack_events (
  event_id    TEXT PRIMARY KEY,
  received_at TEXT NOT NULL
);

-- A Slack user acting for a project is one of its agents (matched by email, created on first use).
ALTER TABLE agents ADD COLUMN slack_user_id TEXT;
CREATE UNIQUE INDEX agents_by_slack_user ON agents (project_id, slack_user_id) WHERE slack_user_id IS NOT NULL;
