import Crypto
import JSON
import Ledger
import SQLite

/// API keys in the `api_keys` table of the ledger database, stored only as SHA-256 digests.
///
/// Creating and revoking a key appends an `auth.key_created` / `auth.key_revoked` event (stream
/// `auth:key:<name>`, with provenance and without the key) in the same transaction as the table
/// change, so `audit` shows who let whom in (DESIGN.md §6). Lookups read the table on every
/// request, so a key revoked by another process stops working at once.
public struct APIKeyStore: Sendable {
    public let ledger: Ledger

    public init(ledger: Ledger) { self.ledger = ledger }

    static let keyCreated = "auth.key_created"
    static let keyRevoked = "auth.key_revoked"
    /// The event types the key store appends.
    public static let eventTypes = [keyCreated, keyRevoked]

    static let columns = "name, user_id, scopes, created_at, revoked_at"

    static func key(_ row: Row) -> APIKey {
        APIKey(
            name: row.string(0), userID: row.string(1),
            scopes: Set(row.string(2).split(separator: " ").compactMap { Scope(rawValue: String($0)) }),
            createdAt: Timestamp(rfc3339: row.string(3)) ?? Timestamp(milliseconds: 0),
            revokedAt: row.optionalString(4).flatMap { Timestamp(rfc3339: $0) })
    }

    /// A new random key: `mlk_` and 32 random bytes in base64url.
    public static func generateSecret() -> String { SecureRandom.token(prefix: APIKey.prefix, byteCount: 32) }

    static func digest(_ secret: String) -> [UInt8] { SHA256.hash(Array(secret.utf8)) }

    static func validate(name: String) throws(APIKeyError) {
        guard !name.isEmpty, name.utf8.count <= 64 else { throw .invalidName("a key name has 1 to 64 characters") }
        guard name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.@".unicodeScalars.contains($0)) }) else {
            throw .invalidName("a key name may use letters, digits and - _ . @ only")
        }
    }

    // MARK: - Reads

    /// Every key, active and revoked, oldest first.
    public func list() throws -> [APIKey] {
        try ledger.read { db in try db.query("SELECT \(Self.columns) FROM api_keys ORDER BY created_at, name", [], Self.key) }
    }

    /// The active key whose digest matches `secret`, compared in constant time; nil otherwise.
    public func lookup(secret: String) throws -> APIKey? {
        let presented = Self.digest(secret)
        return try ledger.read { db in
            try db.first("SELECT \(Self.columns), digest FROM api_keys WHERE digest = ?", [.blob(presented)]) { row -> APIKey? in
                // The index found the row; the comparison that decides is the constant-time one.
                guard constantTimeEquals(row.blob(5), presented) else { return nil }
                let key = Self.key(row)
                return key.isRevoked ? nil : key
            } ?? nil
        }
    }

    public func count() throws -> Int {
        try ledger.read { db in Int(try db.scalarInt("SELECT count(*) FROM api_keys") ?? 0) }
    }

    // MARK: - Writes

    /// Creates a key and returns it with its secret, which is shown once and never stored.
    /// - Parameter secret: the key to store (an operator-given owner key); a random one when nil.
    public func create(
        name: String, userID: String, scopes: Set<Scope>, secret: String? = nil, provenance: Provenance
    ) async throws -> (key: APIKey, secret: String) {
        try Self.validate(name: name)
        let secret = secret ?? Self.generateSecret()
        let key = try await ledger.write { tx in try Self.insert(name: name, userID: userID, scopes: scopes, secret: secret, provenance: provenance, tx) }
        return (key, secret)
    }

    /// The blocking form of `create`, for the command line.
    public func createSync(
        name: String, userID: String, scopes: Set<Scope>, secret: String? = nil, provenance: Provenance
    ) throws -> (key: APIKey, secret: String) {
        try Self.validate(name: name)
        let secret = secret ?? Self.generateSecret()
        let key = try ledger.writeSync { tx in try Self.insert(name: name, userID: userID, scopes: scopes, secret: secret, provenance: provenance, tx) }
        return (key, secret)
    }

    /// Revokes the key named `name`; it stops working at once, in every process.
    public func revokeSync(name: String, provenance: Provenance) throws -> APIKey {
        try ledger.writeSync { tx in try Self.revoke(name: name, provenance: provenance, tx) }
    }

    public func revoke(name: String, provenance: Provenance) async throws -> APIKey {
        try await ledger.write { tx in try Self.revoke(name: name, provenance: provenance, tx) }
    }

    static func insert(
        name: String, userID: String, scopes: Set<Scope>, secret: String, provenance: Provenance, _ tx: LedgerTransaction
    ) throws -> APIKey {
        if try tx.db.scalarInt("SELECT 1 FROM api_keys WHERE name = ?", [.text(name)]) != nil { throw APIKeyError.nameTaken(name) }
        let digest = digest(secret)
        if let revoked = try tx.db.first("SELECT revoked_at IS NOT NULL FROM api_keys WHERE digest = ?", [.blob(digest)], { $0.bool(0) }) {
            throw APIKeyError.invalidName(
                revoked ? "that key was revoked and cannot be registered again; choose a new one" : "that key is already registered under another name")
        }
        let now = Timestamp.now()
        let key = APIKey(name: name, userID: userID, scopes: scopes, createdAt: now, revokedAt: nil)
        try tx.db.run(
            "INSERT INTO api_keys (name, user_id, scopes, digest, created_at) VALUES (?, ?, ?, ?, ?)",
            .text(name), .text(userID), .text(APIKey.text(scopes)), .blob(digest), .text(now.rfc3339))
        let payload: JSONValue = ["name": .string(name), "user_id": .string(userID), "scopes": .array(scopes.map(\.rawValue).sorted().map(JSONValue.string))]
        try tx.append(
            to: "auth:key:\(name)", expected: .noStream,
            events: [NewEvent(type: Self.keyCreated, userID: userID, payload: payload.serialized())], provenance: provenance)
        return key
    }

    static func revoke(name: String, provenance: Provenance, _ tx: LedgerTransaction) throws -> APIKey {
        guard var key = try tx.db.first("SELECT \(columns) FROM api_keys WHERE name = ?", [.text(name)], Self.key) else {
            throw APIKeyError.notFound(name)
        }
        guard !key.isRevoked else { throw APIKeyError.alreadyRevoked(name) }
        let now = Timestamp.now()
        try tx.db.run("UPDATE api_keys SET revoked_at = ? WHERE name = ?", .text(now.rfc3339), .text(name))
        key.revokedAt = now
        let payload: JSONValue = ["name": .string(name), "user_id": .string(key.userID)]
        try tx.append(
            to: "auth:key:\(name)", events: [NewEvent(type: Self.keyRevoked, userID: key.userID, payload: payload.serialized())],
            provenance: provenance)
        return key
    }

    /// Makes sure an owner key exists before the server answers.
    ///
    /// With `given` (from `MEMLEDGER_API_KEY` / `MEM0_API_KEY`) that key is registered as an owner
    /// key unless it already is; otherwise, when no key exists at all, a random owner key is created.
    /// - Returns: the secret of a newly generated key, to be shown once; nil when none was generated.
    public func ensureOwnerKey(given: String?, userID: String, provenance: Provenance) throws -> String? {
        if let given {
            if try lookup(secret: given) != nil { return nil }
            let taken = Set(try list().map(\.name))
            var name = "owner"
            var n = 2
            while taken.contains(name) { name = "owner-\(n)"; n += 1 }
            _ = try createSync(name: name, userID: userID, scopes: Set(Scope.allCases), secret: given, provenance: provenance)
            return nil
        }
        guard try count() == 0 else { return nil }
        do {
            return try createSync(name: "owner", userID: userID, scopes: Set(Scope.allCases), provenance: provenance).secret
        } catch let error as APIKeyError where error.isNameTaken {
            return nil  // another process created it meanwhile
        }
    }
}
