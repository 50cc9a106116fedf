-- Projects, their agents and the conversations they own. Secrets and tokens are stored only as
-- SHA-256 hashes; the plaintext is shown once when it is created.
CREATE TABLE projects (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  public_key      TEXT NOT NULL UNIQUE,
  secret_hash     TEXT NOT NULL UNIQUE,
  allowed_origins TEXT NOT NULL DEFAULT '[]', -- JSON array of origins; empty = any origin
  settings        TEXT NOT NULL DEFAULT '{}', -- JSON, validated by domain/settings.ts
  created_at      TEXT NOT NULL
);

CREATE TABLE agents (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  email       TEXT NOT NULL,
  role        TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL,
  UNIQUE (project_id, email)
);

CREATE TABLE conversations (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  visitor     TEXT NOT NULL DEFAULT '{}', -- JSON {name?, email?}
  page        TEXT NOT NULL DEFAULT '{}', -- JSON {url?, title?, referrer?}
  user_agent  TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX conversations_by_project ON conversations (project_id, created_at);
