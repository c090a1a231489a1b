import Crypto
import Foundation
import SQLite

/// An idempotency key as a client sent it, scoped to the credential that sent it.
public struct IdempotencyKey: Sendable, Hashable {
    public var clientID: String
    public var key: String
    /// A digest of the request, so the same key with a different request is refused.
    public var requestDigest: [UInt8]

    public init(clientID: String, key: String, requestDigest: [UInt8]) {
        self.clientID = clientID
        self.key = key
        self.requestDigest = requestDigest
    }
}

/// The answer of an idempotent command, and whether it is the stored answer of an earlier try.
public struct IdempotentOutcome<Value: Sendable>: Sendable {
    public var value: Value
    public var replayed: Bool
}

extension Ledger {
    /// Runs a command at most once per idempotency key.
    ///
    /// The first run's answer is stored with the key in the same transaction as its events; a retry
    /// with the same key and request gets that answer back and appends nothing, also when two retries
    /// race (they are serialised by the write lock). The same key with another request is refused.
    /// - Parameter subjects: the streams the answer mentions, so redaction can erase stored answers.
    public func write<R: Codable & Sendable>(
        idempotency: IdempotencyKey?, subjects: @escaping @Sendable (R) -> [String],
        _ body: @escaping @Sendable (LedgerTransaction) throws -> R
    ) async throws -> IdempotentOutcome<R> {
        try await write { tx in try Self.runIdempotent(tx, idempotency, subjects, body) }
    }

    /// The blocking form of the idempotent `write`, for command-line work.
    public func writeSync<R: Codable & Sendable>(
        idempotency: IdempotencyKey?, subjects: @escaping (R) -> [String], _ body: @escaping (LedgerTransaction) throws -> R
    ) throws -> IdempotentOutcome<R> {
        try writeSync { tx in try Self.runIdempotent(tx, idempotency, subjects, body) }
    }

    static func runIdempotent<R: Codable & Sendable>(
        _ tx: LedgerTransaction, _ idempotency: IdempotencyKey?, _ subjects: (R) -> [String],
        _ body: (LedgerTransaction) throws -> R
    ) throws -> IdempotentOutcome<R> {
        guard let idempotency else { return IdempotentOutcome(value: try body(tx), replayed: false) }
        if let (digest, response) = try tx.db.first(
            "SELECT request_digest, response FROM idempotency_keys WHERE client_id = ? AND key = ?",
            [.text(idempotency.clientID), .text(idempotency.key)], { ($0.blob(0), $0.blob(1)) })
        {
            guard constantTimeEquals(digest, idempotency.requestDigest) else {
                throw LedgerError.idempotencyKeyReused(key: idempotency.key)
            }
            let value = try JSONDecoder().decode(R.self, from: Data(response))
            return IdempotentOutcome(value: value, replayed: true)
        }
        var keyed = tx
        keyed.idempotencyKey = idempotency.key
        let value = try body(keyed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = try encoder.encode(value)
        let position = try tx.db.scalarInt("SELECT max(position) FROM events")
        try tx.db.run(
            """
            INSERT INTO idempotency_keys (client_id, key, request_digest, response, subjects, position, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, .text(idempotency.clientID), .text(idempotency.key), .blob(idempotency.requestDigest),
            .blob(Array(response)), .text("|" + subjects(value).joined(separator: "|") + "|"), .integer(position),
            .text(tx.configuration.clock().rfc3339))
        return IdempotentOutcome(value: value, replayed: false)
    }
}
