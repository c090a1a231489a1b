import Ledger

/// Operator work on registered clients, for `memledger clients list|revoke`.
public enum OAuthAdministration {
    /// The event types the authorization server appends (`auth.client_*`, `auth.consent_*`, …).
    public static let eventTypes = AuthEvents.all

    /// Every client ever registered and not forgotten, oldest first, with its live grants.
    public static func clients(in ledger: Ledger, now: Timestamp = .now()) throws -> [OAuthClientInfo] {
        try ledger.read { db in try OAuthStore.allClients(in: db, now: now.milliseconds) }
    }

    /// Revokes a client and every token issued to it, from the command line.
    /// Blocks until durable: never call it from the cooperative thread pool.
    /// - Returns: false when no live client has that id.
    public static func revokeSync(
        _ clientID: String, provenance: Provenance, in ledger: Ledger, now: Timestamp = .now()
    ) throws -> Bool {
        try ledger.writeSync { tx in try revoke(clientID, now: now.milliseconds, provenance: provenance, in: tx) }
    }

    static func revoke(_ clientID: String, now: Int64, provenance: Provenance, in tx: LedgerTransaction) throws -> Bool {
        let name = try tx.db.first("SELECT client_name FROM oauth_clients WHERE client_id = ?", [.text(clientID)]) { $0.string(0) }
        guard let name, let families = try OAuthStore.revokeClient(clientID, now: now, in: tx.db) else { return false }
        try AuthEvents.append(
            AuthEvents.clientRevoked, clientID: clientID, userID: nil,
            payload: ["client_name": .string(name), "token_families_revoked": .int(Int64(families))], provenance: provenance,
            in: tx)
        return true
    }
}
