-- Connectors are soft-deleted (deleted_at) so a delete can be undone from the list.
-- uid scopes the connector's secrets in the keychain. Row ids restart in a new database file, so
-- they would hand an old connector's keychain entries to a new one; a random uid never does.
CREATE TABLE connectors (
    id          INTEGER PRIMARY KEY,
    uid         TEXT    NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    name        TEXT    NOT NULL,
    config      TEXT    NOT NULL,
    is_demo     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at  TEXT
);
-- Names are unique among live connectors only, so a deleted name can be reused.
CREATE UNIQUE INDEX connectors_live_name ON connectors (name) WHERE deleted_at IS NULL;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
