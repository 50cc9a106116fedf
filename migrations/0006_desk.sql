-- The agent's browser: password-less sign-in (each link spent once), the sessions it opens, and
-- agents an admin can revoke. Sessions and links are stored by hash or id only, never in clear.

-- A sign-in link is a signed JWT; its `jti` lands here the first time it is used, so a second use
-- (or a replay from a browser history) finds the row and is refused.
CREATE TABLE sign_in_links (
  jti         TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL,
  agent_id    TEXT NOT NULL,
  used_at     TEXT NOT NULL,
  expires_at  TEXT NOT NULL             -- the link's own expiry: rows after it can be pruned
);

-- One row per signed-in browser. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE agent_sessions (
  id            TEXT PRIMARY KEY,       -- ses_…: what the sessions list shows and revoke names
  project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  agent_id      TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  token_hash    TEXT NOT NULL UNIQUE,
  user_agent    TEXT,
  created_at    TEXT NOT NULL,
  last_used_at  TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  revoked_at    TEXT
);
CREATE INDEX agent_sessions_by_agent ON agent_sessions (agent_id, created_at);

-- A revoked agent keeps its history (claims, notes, audit rows) but can no longer sign in or act.
ALTER TABLE agents ADD COLUMN disabled_at TEXT;
