-- The ledger: append-only, hash-chained events (DESIGN.md §2). Never edit once released.

CREATE TABLE events (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT    NOT NULL UNIQUE,
    stream_id       TEXT    NOT NULL,
    stream_version  INTEGER NOT NULL,
    type            TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    occurred_at     TEXT    NOT NULL,  -- RFC 3339 UTC with milliseconds, fixed width: sorts as time
    user_id         TEXT,
    agent_id        TEXT,
    client_id       TEXT,
    actor           TEXT,
    transport       TEXT,
    request_id      TEXT,
    correlation_id  TEXT,
    causation_id    TEXT,
    idempotency_key TEXT,
    payload_digest  BLOB    NOT NULL,  -- SHA-256(salt ‖ payload)
    prev_hash       BLOB    NOT NULL,
    hash            BLOB    NOT NULL,
    UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_by_type ON events (type, position);
CREATE INDEX events_by_user ON events (user_id, position);
CREATE INDEX events_by_agent ON events (agent_id, position);
CREATE INDEX events_by_client ON events (client_id, position);
CREATE INDEX events_by_time ON events (occurred_at);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed');
END;

-- Payload bytes exactly as written, apart from the envelope so that redaction can erase them and
-- leave the chain verifiable.
CREATE TABLE event_payloads (
    position INTEGER PRIMARY KEY REFERENCES events (position),
    salt     BLOB NOT NULL,
    payload  BLOB NOT NULL
);

-- A retried command with the same (client_id, key) returns the stored answer and appends nothing.
-- `subjects` lists the streams the answer mentions, so redaction can erase answers that hold content.
CREATE TABLE idempotency_keys (
    client_id      TEXT NOT NULL,
    key            TEXT NOT NULL,
    request_digest BLOB NOT NULL,
    response       BLOB NOT NULL,
    subjects       TEXT NOT NULL,
    position       INTEGER,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_keys_by_subject ON idempotency_keys (subjects);

-- Each inline projection records the last position it applied, in the append's transaction.
CREATE TABLE projection_checkpoints (
    name     TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
