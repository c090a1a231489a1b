-- API keys (DESIGN.md §4, §6). Only the SHA-256 digest of a key is stored; the key itself is shown
-- once when it is created. Creation and revocation are also `auth.*` events in the ledger.

CREATE TABLE api_keys (
    name        TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL,
    scopes      TEXT    NOT NULL,           -- space-separated: memory.read memory.write admin
    digest      BLOB    NOT NULL UNIQUE,    -- SHA-256 of the key's UTF-8 bytes
    created_at  TEXT    NOT NULL,
    revoked_at  TEXT
);
