-- A number that moves with every write of a project's settings. Each open room re-reads its
-- project's settings every 30-60 s; with this it reads the number, and the settings text (the
-- whole knowledge base) only when the number moved.
ALTER TABLE projects ADD COLUMN settings_rev INTEGER NOT NULL DEFAULT 0;
