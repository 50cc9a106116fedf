-- Captures become tickets with a deadline: the promise made to the visitor, the warning before it
-- falls due, overdue, the first answer (kept or missed is judged on it), closed and reopened. And
-- what Baton created in a CRM for each handoff, so a retried job updates those records and never
-- creates them twice.
ALTER TABLE tickets ADD COLUMN due_at TEXT;          -- the commitment's instant (commitment.by), for lists and metrics
ALTER TABLE tickets ADD COLUMN warned_at TEXT;
ALTER TABLE tickets ADD COLUMN overdue_at TEXT;
ALTER TABLE tickets ADD COLUMN answered_at TEXT;     -- the first answer
ALTER TABLE tickets ADD COLUMN answered_by TEXT;     -- JSON {id, name}
ALTER TABLE tickets ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN closed_at TEXT;
ALTER TABLE tickets ADD COLUMN closed_by TEXT;       -- JSON {id, name}
ALTER TABLE tickets ADD COLUMN updated_at TEXT;
UPDATE tickets SET due_at = json_extract(commitment, '$.by') WHERE commitment IS NOT NULL AND due_at IS NULL;
UPDATE tickets SET updated_at = created_at WHERE updated_at IS NULL;
CREATE INDEX tickets_by_project_status ON tickets (project_id, status, due_at);

-- The CRM records of one handoff (HubSpot: the contact, the note carrying the packet, the owner's
-- task), and the events already written into the note, keyed by job id (a retried job adds none).
CREATE TABLE crm_records (
  provider    TEXT NOT NULL,               -- hubspot
  handoff_id  TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  contact_id  TEXT,
  note_id     TEXT,
  task_id     TEXT,
  timeline    TEXT NOT NULL DEFAULT '[]',  -- JSON [{jobId, at, text}]
  lock_owner  TEXT,                        -- the job syncing this handoff now (one at a time, so nothing is created twice)
  lock_until  TEXT,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (provider, handoff_id)
);
