-- The memory read model and its full-text and vector projections (DESIGN.md §3).
-- Every row here is derived from the ledger and can be rebuilt from position 0.

CREATE TABLE memories (
    seq               INTEGER PRIMARY KEY,  -- the position of the event that (re)created the row
    id                TEXT    NOT NULL UNIQUE,
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
    fingerprint       TEXT    NOT NULL,     -- duplicate detection: digest of NFC, case-folded, collapsed text
    redacted          INTEGER NOT NULL DEFAULT 0,
    last_position     INTEGER NOT NULL
);
CREATE UNIQUE INDEX memories_by_fingerprint ON memories (user_id, fingerprint);
CREATE INDEX memories_by_user ON memories (user_id, created_at, seq);
CREATE INDEX memories_by_agent ON memories (user_id, agent_id);
CREATE INDEX memories_by_run ON memories (user_id, run_id);

-- Full text: rowid = memories.seq; `terms` is derived text (accent-folded words, CJK bigrams).
CREATE VIRTUAL TABLE memories_fts USING fts5 (terms, tokenize = 'unicode61 remove_diacritics 2');

-- Vectors: rowid = memories.seq. Each records the model and dimension that made it.
CREATE TABLE memory_vectors (
    seq    INTEGER PRIMARY KEY,
    model  TEXT    NOT NULL,
    dims   INTEGER NOT NULL,
    vector BLOB    NOT NULL
);

-- Memories whose vector is still to be computed (the embedder was unavailable).
CREATE TABLE pending_vectors (
    seq      INTEGER PRIMARY KEY,
    attempts INTEGER NOT NULL DEFAULT 0
);

-- Embeddings already computed, so a rebuild never calls an embedder again for text it has seen.
CREATE TABLE embedding_cache (
    model          TEXT NOT NULL,
    content_digest BLOB NOT NULL,
    vector         BLOB NOT NULL,
    PRIMARY KEY (model, content_digest)
);
