-- The handoff lifecycle: who claimed it and when, first human reply, resolution, satisfaction;
-- the audit log of every operator decision; tickets for handoffs nobody could answer live.
ALTER TABLE handoffs ADD COLUMN escalation_level TEXT;
ALTER TABLE handoffs ADD COLUMN snoozed_until TEXT;
ALTER TABLE handoffs ADD COLUMN satisfaction INTEGER;
ALTER TABLE handoffs ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE handoffs ADD COLUMN abandoned_at TEXT;
ALTER TABLE handoffs ADD COLUMN converted_at TEXT;
ALTER TABLE handoffs ADD COLUMN lifecycle TEXT NOT NULL DEFAULT '{}'; -- JSON: the room's full view of the lifecycle

CREATE TABLE decisions (
  id               TEXT PRIMARY KEY,
  project_id       TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  handoff_id       TEXT NOT NULL,
  action           TEXT NOT NULL,           -- claim | message | note | snooze | escalate | resolve | hand_back | reopen | reminder | …
  actor_kind       TEXT NOT NULL,           -- agent | visitor | system
  actor_id         TEXT,
  actor_name       TEXT,
  payload          TEXT NOT NULL,           -- JSON
  at               TEXT NOT NULL
);
CREATE INDEX decisions_by_project ON decisions (project_id, at);
CREATE INDEX decisions_by_handoff ON decisions (handoff_id, at);

CREATE TABLE tickets (
  id               TEXT PRIMARY KEY,
  project_id       TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  handoff_id       TEXT NOT NULL UNIQUE,
  reason           TEXT NOT NULL,
  email            TEXT,
  commitment       TEXT,                    -- JSON {by, label}
  packet           TEXT NOT NULL,           -- JSON context packet
  status           TEXT NOT NULL DEFAULT 'open',
  created_at       TEXT NOT NULL
);
CREATE INDEX tickets_by_project ON tickets (project_id, created_at);
