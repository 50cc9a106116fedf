-- The human ladder: every agent has one of four roles (domain/handoff/permissions.ts says what each
-- may do), the database refuses any other value, and a project's agents can be listed by role
-- (who the manager and admin reminders go to).
UPDATE agents SET role = 'agent' WHERE role NOT IN ('agent', 'lead', 'manager', 'admin');

CREATE TRIGGER agents_role_insert BEFORE INSERT ON agents
WHEN NEW.role NOT IN ('agent', 'lead', 'manager', 'admin')
BEGIN
  SELECT RAISE(ABORT, 'agents.role must be agent, lead, manager or admin');
END;

CREATE TRIGGER agents_role_update BEFORE UPDATE OF role ON agents
WHEN NEW.role NOT IN ('agent', 'lead', 'manager', 'admin')
BEGIN
  SELECT RAISE(ABORT, 'agents.role must be agent, lead, manager or admin');
END;

CREATE INDEX agents_by_project_role ON agents (project_id, role);
