-- OAuth 2.1 authorization server state (DESIGN.md §4, §6). Not a projection: these rows are the
-- server's own working state; every security-relevant change is also an `auth.*` ledger event.
-- Secrets (client secrets, codes, access and refresh tokens, pending request ids) are stored only
-- as SHA-256 digests. Times are Unix milliseconds.

CREATE TABLE oauth_clients (
    client_id      TEXT    PRIMARY KEY,
    client_name    TEXT    NOT NULL,
    redirect_uris  TEXT    NOT NULL,  -- JSON array of strings
    auth_method    TEXT    NOT NULL,  -- none | client_secret_post | client_secret_basic
    secret_digest  BLOB,
    scope          TEXT    NOT NULL,
    registered_at  INTEGER NOT NULL,
    consented_at   INTEGER,           -- first granted consent; NULL clients are forgotten after 24 h
    revoked_at     INTEGER
);
CREATE INDEX oauth_clients_unconsented ON oauth_clients (registered_at) WHERE consented_at IS NULL;

-- Authorization requests waiting for the owner's decision on the consent page.
CREATE TABLE oauth_pending_requests (
    request_digest BLOB    PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    code_challenge TEXT    NOT NULL,
    resource       TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    state          TEXT,
    expires_at     INTEGER NOT NULL
);

CREATE TABLE oauth_codes (
    code_digest    BLOB    PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    code_challenge TEXT    NOT NULL,
    resource       TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    family_id      TEXT               -- the token family issued from this code
);

-- One family per authorization: every access and refresh token that descends from one code.
CREATE TABLE oauth_token_families (
    family_id   TEXT    PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    scope       TEXT    NOT NULL,
    resource    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX oauth_token_families_by_client ON oauth_token_families (client_id);

CREATE TABLE oauth_access_tokens (
    token_digest BLOB    PRIMARY KEY,
    family_id    TEXT    NOT NULL,
    scope        TEXT    NOT NULL,    -- may be narrower than the family's (a refresh may narrow it)
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX oauth_access_tokens_by_family ON oauth_access_tokens (family_id);

CREATE TABLE oauth_refresh_tokens (
    token_digest BLOB    PRIMARY KEY,
    family_id    TEXT    NOT NULL,
    expires_at   INTEGER NOT NULL,
    rotated_at   INTEGER             -- set when it was exchanged; reuse after the grace window revokes the family
);
CREATE INDEX oauth_refresh_tokens_by_family ON oauth_refresh_tokens (family_id);
