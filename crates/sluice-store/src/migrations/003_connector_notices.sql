-- A sentence the app shows once on a connector's page, about something the app changed for it
-- (003's hook: a connector that shared its DuckDB file with another now has its own), until the
-- user dismisses it.
ALTER TABLE connectors ADD COLUMN notice TEXT;
