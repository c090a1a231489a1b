-- Smaller keys for the read model, so its indexes cost less to keep and to build in bulk after a replay:
-- - the memory id's uniqueness becomes a named index (`memories_by_id`) instead of the table's own
--   UNIQUE constraint, which a rebuild cannot drop while it loads rows and builds again in one sort;
-- - the duplicate fingerprint is the 32-byte SHA-256 digest instead of its 64 hexadecimal characters,
--   and NULL for a memory whose content was redacted (a unique index allows any number of NULLs);
-- - the agent and run indexes hold only the memories that have an agent or a run: a filter
--   `agent_id = ?` or `run_id = ?` implies the index's condition, so SQLite still uses them.
-- `unhex` is built into SQLite from 3.41; memledger provides it on older libraries.
CREATE TABLE memories_rebuilt (
    seq               INTEGER PRIMARY KEY,  -- the position of the event that (re)created the row
    id                TEXT    NOT NULL,
    user_id           TEXT    NOT NULL,
    content           TEXT,                 -- NULL only in point-in-time stores, for redacted content
    metadata          TEXT    NOT NULL,     -- a JSON object
    agent_id          TEXT,
    run_id            TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    created_by_agent  TEXT,
    created_by_client TEXT,
    updated_by_agent  TEXT,
    updated_by_client TEXT,
    version           INTEGER NOT NULL,
    fingerprint       BLOB,                 -- SHA-256 of the NFC, case-folded, collapsed text; NULL once redacted
    redacted          INTEGER NOT NULL DEFAULT 0,
    last_position     INTEGER NOT NULL
);
INSERT INTO memories_rebuilt
SELECT seq, id, user_id, content, metadata, agent_id, run_id, created_at, updated_at, created_by_agent,
    created_by_client, updated_by_agent, updated_by_client, version,
    CASE WHEN redacted = 0 THEN unhex(fingerprint) END, redacted, last_position
FROM memories;
DROP TABLE memories;
ALTER TABLE memories_rebuilt RENAME TO memories;
CREATE UNIQUE INDEX memories_by_id ON memories (id);
CREATE UNIQUE INDEX memories_by_fingerprint ON memories (user_id, fingerprint);
CREATE INDEX memories_by_user ON memories (user_id, created_at, seq);
CREATE INDEX memories_by_agent ON memories (user_id, agent_id, created_at, seq) WHERE agent_id IS NOT NULL;
CREATE INDEX memories_by_run ON memories (user_id, run_id, created_at, seq) WHERE run_id IS NOT NULL;
