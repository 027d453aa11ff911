-- Saved versions of a connector's config, newest last: autosave adds one per save that changed
-- something, and reverting saves the old config as a new version (history only grows).
CREATE TABLE connector_versions (
    id            INTEGER PRIMARY KEY,
    connector_id  INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    config        TEXT    NOT NULL,
    -- What the user did, in words: "Created", "Edited", "Reverted to version 3".
    note          TEXT    NOT NULL DEFAULT '',
    saved_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX connector_versions_by_connector ON connector_versions (connector_id, id);

-- One row per sync the app ran. A run starts as 'running'; a run still 'running' when the app
-- starts again was interrupted (the app was killed), and is shown so.
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    connector_id  INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    started_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at   TEXT,
    -- running | succeeded | failed | cancelled | interrupted
    status        TEXT    NOT NULL DEFAULT 'running',
    db_path       TEXT    NOT NULL,
    dataset       TEXT    NOT NULL,
    resources     TEXT    NOT NULL DEFAULT '[]',
    rows          INTEGER NOT NULL DEFAULT 0,
    -- The sync summary as JSON (rows per table per resource, errors), once finished.
    summary       TEXT,
    -- What happened, one line per event, already redacted by the engine.
    log           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_connector ON runs (connector_id, id);
