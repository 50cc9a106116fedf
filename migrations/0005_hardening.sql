-- Trust and hardening: agent tokens that expire and can be revoked, identity verification for
-- logged-in visitors, the team-alert budget, retention bookkeeping and the erasure audit log.

-- Agent tokens expire (AGENT_TOKEN_TTL_DAYS, default 90) and can be revoked. Tokens issued before
-- this migration get 90 days from now, so nobody is locked out by the upgrade itself.
ALTER TABLE agents ADD COLUMN expires_at TEXT;
ALTER TABLE agents ADD COLUMN revoked_at TEXT;
UPDATE agents SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days') WHERE expires_at IS NULL AND id != 'agt_demo';

-- The project's identity secret: the customer's server signs a logged-in visitor's user id with it
-- (HMAC-SHA256). After a rotation the previous secret still verifies for 24 hours.
ALTER TABLE projects ADD COLUMN identity_secret TEXT;
ALTER TABLE projects ADD COLUMN identity_secret_previous TEXT;
ALTER TABLE projects ADD COLUMN identity_rotated_at TEXT;

-- Who the visitor is, when the site said so (verified or not), so one person's data can be found and erased.
ALTER TABLE conversations ADD COLUMN user_id TEXT;
ALTER TABLE conversations ADD COLUMN user_verified INTEGER NOT NULL DEFAULT 0;
-- The retention sweep's bookmark: a conversation still active at its cutoff is looked at again after this.
ALTER TABLE conversations ADD COLUMN purge_after TEXT;
CREATE INDEX conversations_by_user ON conversations (project_id, user_id) WHERE user_id IS NOT NULL;

-- Team alerts sent per project: a flood of handoffs pages the team at most HANDOFF_ALERTS_PER_WINDOW
-- times per window. One row per alerting job (a redelivered job counts once).
CREATE TABLE alert_log (
  job_id      TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX alert_log_by_project ON alert_log (project_id, at);

-- The audit log of erasure requests (GDPR): what was asked, by whom, what was deleted. The subject
-- is stored as a hash, so the log itself keeps no personal data.
CREATE TABLE erasures (
  id              TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL,
  subject_kind    TEXT NOT NULL,            -- conversation | email | userId
  subject_hash    TEXT NOT NULL,            -- SHA-256 of the subject
  conversations   INTEGER NOT NULL,
  deleted         TEXT NOT NULL,            -- JSON: rows deleted per table
  requested_by    TEXT NOT NULL,            -- secret-key
  at              TEXT NOT NULL
);
CREATE INDEX erasures_by_project ON erasures (project_id, at);

CREATE INDEX IF NOT EXISTS notifications_by_handoff ON notifications (handoff_id);
CREATE INDEX IF NOT EXISTS decisions_by_conversation ON decisions (conversation_id);
CREATE INDEX IF NOT EXISTS tickets_by_conversation ON tickets (conversation_id);
CREATE INDEX IF NOT EXISTS handoffs_by_project_updated ON handoffs (project_id, updated_at);
CREATE INDEX IF NOT EXISTS notification_failures_by_created ON notification_failures (created_at);
