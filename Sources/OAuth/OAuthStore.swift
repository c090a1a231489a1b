import Crypto
import JSON
import Ledger
import SQLite

/// The SQL behind the authorization server, on the ledger's own database (tables of migration
/// 0004). Functions take the connection of the caller's transaction, so a check and the change it
/// guards commit together; every secret is looked up and stored by its SHA-256 digest only.
enum OAuthStore {
    static func digest(_ secret: String) -> [UInt8] { SHA256.hash(secret) }

    // MARK: Clients

    /// A client that may still be used: not revoked, and either consented or registered within
    /// `unconsentedSince` (older unconsented clients are forgotten).
    static func liveClient(_ clientID: String, unconsentedSince: Int64, in db: Connection) throws -> (
        OAuthClientInfo, secretDigest: [UInt8]?
    )? {
        try db.first(
            """
            SELECT \(OAuthClientInfo.columns) FROM oauth_clients
            WHERE client_id = ? AND revoked_at IS NULL AND (consented_at IS NOT NULL OR registered_at >= ?)
            """, [.text(clientID), .integer(unconsentedSince)], OAuthClientInfo.decode)
    }

    static func insertClient(_ client: OAuthClientInfo, secretDigest: [UInt8]?, in db: Connection) throws {
        let uris = JSONValue.array(client.redirectURIs.map(JSONValue.string)).serializedString()
        try db.run(
            """
            INSERT INTO oauth_clients (client_id, client_name, redirect_uris, auth_method, secret_digest, scope, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, .text(client.clientID), .text(client.clientName), .text(uris), .text(client.authMethod),
            secretDigest.map(SQLValue.blob) ?? .null, .text(client.scope), .integer(client.registeredAt.milliseconds))
    }

    /// Forgets clients that never completed a consent in time, and expired requests and codes.
    static func purge(now: Int64, unconsentedBefore: Int64, in db: Connection) throws {
        try db.run(
            """
            DELETE FROM oauth_pending_requests WHERE expires_at <= ? OR client_id IN
                (SELECT client_id FROM oauth_clients WHERE consented_at IS NULL AND registered_at < ?)
            """, .integer(now), .integer(unconsentedBefore))
        try db.run("DELETE FROM oauth_clients WHERE consented_at IS NULL AND registered_at < ?", .integer(unconsentedBefore))
        // A used code is kept past its expiry while its family lives, so a replay still revokes it.
        try db.run(
            """
            DELETE FROM oauth_codes WHERE expires_at <= ? AND (family_id IS NULL OR family_id IN
                (SELECT family_id FROM oauth_token_families WHERE revoked_at IS NOT NULL))
            """, .integer(now - 86_400_000))
    }

    static func allClients(in db: Connection, now: Int64) throws -> [OAuthClientInfo] {
        var clients = try db.query("SELECT \(OAuthClientInfo.columns) FROM oauth_clients ORDER BY registered_at, client_id") {
            OAuthClientInfo.decode($0).0
        }
        for index in clients.indices {
            clients[index].activeGrants = Int(
                try db.scalarInt(
                    """
                    SELECT count(*) FROM oauth_token_families f WHERE f.client_id = ? AND f.revoked_at IS NULL
                    AND EXISTS (SELECT 1 FROM oauth_refresh_tokens r WHERE r.family_id = f.family_id AND r.expires_at > ?)
                    """, [.text(clients[index].clientID), .integer(now)]) ?? 0)
        }
        return clients
    }

    /// Marks a client revoked and revokes everything issued to it.
    /// - Returns: the number of token families revoked, or nil when no live client has that id.
    static func revokeClient(_ clientID: String, now: Int64, in db: Connection) throws -> Int? {
        guard try db.run("UPDATE oauth_clients SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
            .integer(now), .text(clientID)) == 1
        else { return nil }
        try db.run("DELETE FROM oauth_pending_requests WHERE client_id = ?", .text(clientID))
        try db.run("UPDATE oauth_codes SET used_at = coalesce(used_at, ?) WHERE client_id = ?", .integer(now), .text(clientID))
        let families = try db.query(
            "SELECT family_id FROM oauth_token_families WHERE client_id = ? AND revoked_at IS NULL", [.text(clientID)]
        ) { $0.string(0) }
        for family in families { try revokeFamilyRows(family, now: now, in: db) }
        return families.count
    }

    // MARK: Authorization requests and codes

    static func insertPending(_ request: AuthorizationRequest, digest: [UInt8], in db: Connection) throws {
        try db.run(
            """
            INSERT INTO oauth_pending_requests
                (request_digest, client_id, redirect_uri, code_challenge, resource, scope, state, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, .blob(digest), .text(request.clientID), .text(request.redirectURI), .text(request.codeChallenge),
            .text(request.resource), .text(request.scope), .text(request.state), .integer(request.expiresAt))
    }

    static func pending(_ digest: [UInt8], in db: Connection) throws -> AuthorizationRequest? {
        try db.first(
            """
            SELECT client_id, redirect_uri, code_challenge, resource, scope, state, expires_at
            FROM oauth_pending_requests WHERE request_digest = ?
            """, [.blob(digest)]
        ) {
            AuthorizationRequest(
                clientID: $0.string(0), redirectURI: $0.string(1), codeChallenge: $0.string(2), resource: $0.string(3),
                scope: $0.string(4), state: $0.optionalString(5), expiresAt: $0.int64(6))
        }
    }

    static func deletePending(_ digest: [UInt8], in db: Connection) throws {
        try db.run("DELETE FROM oauth_pending_requests WHERE request_digest = ?", .blob(digest))
    }

    /// Stores a new code for `request` granted to `userID` and returns it; only its digest is kept.
    static func issueCode(for request: AuthorizationRequest, userID: String, expiresAt: Int64, in db: Connection) throws -> String {
        let code = SecureRandom.token(prefix: "mlc_")
        try db.run(
            """
            INSERT INTO oauth_codes (code_digest, client_id, user_id, redirect_uri, code_challenge, resource, scope, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, .blob(digest(code)), .text(request.clientID), .text(userID), .text(request.redirectURI),
            .text(request.codeChallenge), .text(request.resource), .text(request.scope), .integer(expiresAt))
        return code
    }

    static func markConsented(_ clientID: String, now: Int64, in db: Connection) throws {
        try db.run(
            "UPDATE oauth_clients SET consented_at = coalesce(consented_at, ?) WHERE client_id = ?", .integer(now), .text(clientID))
    }

    struct StoredCode {
        var clientID: String
        var userID: String
        var redirectURI: String
        var codeChallenge: String
        var resource: String
        var scope: String
        var expiresAt: Int64
        var usedAt: Int64?
        var familyID: String?
    }

    static func code(_ digest: [UInt8], in db: Connection) throws -> StoredCode? {
        try db.first(
            """
            SELECT client_id, user_id, redirect_uri, code_challenge, resource, scope, expires_at, used_at, family_id
            FROM oauth_codes WHERE code_digest = ?
            """, [.blob(digest)]
        ) {
            StoredCode(
                clientID: $0.string(0), userID: $0.string(1), redirectURI: $0.string(2), codeChallenge: $0.string(3),
                resource: $0.string(4), scope: $0.string(5), expiresAt: $0.int64(6), usedAt: $0.optionalInt64(7),
                familyID: $0.optionalString(8))
        }
    }

    static func markCodeUsed(_ digest: [UInt8], now: Int64, familyID: String?, in db: Connection) throws {
        try db.run(
            "UPDATE oauth_codes SET used_at = ?, family_id = ? WHERE code_digest = ?", .integer(now), .text(familyID),
            .blob(digest))
    }

    // MARK: Token families

    static func createFamily(clientID: String, userID: String, scope: String, resource: String, now: Int64, in db: Connection) throws
        -> String
    {
        let familyID = SecureRandom.uuidV7()
        try db.run(
            """
            INSERT INTO oauth_token_families (family_id, client_id, user_id, scope, resource, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, .text(familyID), .text(clientID), .text(userID), .text(scope), .text(resource), .integer(now))
        return familyID
    }

    /// Issues a fresh access and refresh token in `familyID`; only their digests are stored.
    static func issueTokens(
        familyID: String, scope: String, accessExpiresAt: Int64, refreshExpiresAt: Int64, in db: Connection
    ) throws -> (access: String, refresh: String) {
        let access = SecureRandom.token(prefix: "mla_")
        let refresh = SecureRandom.token(prefix: "mlr_")
        try db.run(
            "INSERT INTO oauth_access_tokens (token_digest, family_id, scope, expires_at) VALUES (?, ?, ?, ?)",
            .blob(digest(access)), .text(familyID), .text(scope), .integer(accessExpiresAt))
        try db.run(
            "INSERT INTO oauth_refresh_tokens (token_digest, family_id, expires_at) VALUES (?, ?, ?)",
            .blob(digest(refresh)), .text(familyID), .integer(refreshExpiresAt))
        return (access, refresh)
    }

    /// Revokes a family and every access token in it. Refresh tokens need no update: each use
    /// checks its family.
    /// - Returns: false when it was already revoked.
    @discardableResult
    static func revokeFamilyRows(_ familyID: String, now: Int64, in db: Connection) throws -> Bool {
        let changed = try db.run(
            "UPDATE oauth_token_families SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", .integer(now),
            .text(familyID))
        try db.run(
            "UPDATE oauth_access_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE family_id = ?", .integer(now),
            .text(familyID))
        return changed == 1
    }

    struct StoredRefresh {
        var familyID: String
        var expiresAt: Int64
        var rotatedAt: Int64?
        var clientID: String
        var userID: String
        var scope: String
        var resource: String
        var familyRevoked: Bool
    }

    static func refresh(_ digest: [UInt8], in db: Connection) throws -> StoredRefresh? {
        try db.first(
            """
            SELECT r.family_id, r.expires_at, r.rotated_at, f.client_id, f.user_id, f.scope, f.resource, f.revoked_at
            FROM oauth_refresh_tokens r JOIN oauth_token_families f ON f.family_id = r.family_id
            WHERE r.token_digest = ?
            """, [.blob(digest)]
        ) {
            StoredRefresh(
                familyID: $0.string(0), expiresAt: $0.int64(1), rotatedAt: $0.optionalInt64(2), clientID: $0.string(3),
                userID: $0.string(4), scope: $0.string(5), resource: $0.string(6), familyRevoked: !$0.isNull(7))
        }
    }

    static func markRotated(_ digest: [UInt8], now: Int64, in db: Connection) throws {
        try db.run(
            "UPDATE oauth_refresh_tokens SET rotated_at = ? WHERE token_digest = ? AND rotated_at IS NULL", .integer(now),
            .blob(digest))
    }

    struct StoredAccess {
        var familyID: String
        var expiresAt: Int64
        var revoked: Bool
        var scope: String
        var clientID: String
        var clientName: String
        var userID: String
        var resource: String
    }

    static func access(_ digest: [UInt8], in db: Connection) throws -> StoredAccess? {
        try db.first(
            """
            SELECT a.family_id, a.expires_at,
                   a.revoked_at IS NOT NULL OR f.revoked_at IS NOT NULL OR c.revoked_at IS NOT NULL,
                   a.scope, f.client_id, c.client_name, f.user_id, f.resource
            FROM oauth_access_tokens a
            JOIN oauth_token_families f ON f.family_id = a.family_id
            JOIN oauth_clients c ON c.client_id = f.client_id
            WHERE a.token_digest = ?
            """, [.blob(digest)]
        ) {
            StoredAccess(
                familyID: $0.string(0), expiresAt: $0.int64(1), revoked: $0.bool(2), scope: $0.string(3),
                clientID: $0.string(4), clientName: $0.string(5), userID: $0.string(6), resource: $0.string(7))
        }
    }

    static func revokeAccess(_ digest: [UInt8], now: Int64, in db: Connection) throws {
        try db.run(
            "UPDATE oauth_access_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE token_digest = ?", .integer(now),
            .blob(digest))
    }
}
