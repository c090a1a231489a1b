import Crypto
import SQLite

extension Ledger {
    /// Appends events recorded by another ledger (an export), verbatim, in one transaction, running this
    /// ledger's inline projectors on each: the envelopes, salts and payloads are kept byte for byte, so
    /// every hash and the chain head come out the same as at the source.
    ///
    /// Each event must continue the chain exactly: the next position, the current head's hash as its
    /// previous hash, a payload matching its digest and a hash that recomputes. Anything else throws and
    /// the whole import is rolled back: it never half-happens.
    /// - Parameters:
    ///   - next: returns the next event to import, or nil at the end; runs on the writer's thread.
    ///   - progress: called now and then with the number of events imported so far.
    ///   - finishing: runs last in the same transaction (say, to queue derived work for the imported rows).
    /// - Returns: the head after the import.
    /// - Throws: `LedgerError.corrupt` naming the first position that does not continue the chain.
    @discardableResult
    public func importVerbatim(
        _ next: @escaping () throws -> RecordedEvent?, progress: ((Int64) -> Void)? = nil,
        finishing: ((LedgerTransaction) throws -> Void)? = nil
    ) throws -> LedgerHead {
        try writeSync { tx in
            var (position, prevHash, _) = try tx.head()
            var count: Int64 = 0
            while let event = try next() {
                try Self.checkContinues(event, position: position + 1, prevHash: prevHash)
                try Self.insertVerbatim(event, in: tx.db)
                for projector in tx.configuration.projectors {
                    try projector.apply(event, in: tx.db)
                }
                position = event.position
                prevHash = event.hash
                count += 1
                if count % 4096 == 0 { progress?(count) }
            }
            if count > 0 {
                for projector in tx.configuration.projectors {
                    try tx.db.run(
                        """
                        INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET position = excluded.position
                        """, .text(projector.name), .integer(position))
                }
            }
            try finishing?(tx)
            progress?(count)
            return LedgerHead(position: position, hash: prevHash)
        }
    }

    static func checkContinues(_ event: RecordedEvent, position: Int64, prevHash: [UInt8]) throws {
        guard event.position == position else {
            throw LedgerError.corrupt("position \(event.position) does not follow position \(position - 1)")
        }
        guard event.prevHash == prevHash else {
            throw LedgerError.corrupt("position \(event.position): previous hash does not match the hash of position \(position - 1)")
        }
        if let payload = event.payload {
            guard let salt = event.salt, EventHasher.payloadDigest(salt: salt, payload: payload) == event.payloadDigest else {
                throw LedgerError.corrupt("position \(event.position): payload does not match its digest")
            }
        }
        guard EventHasher.hash(of: event) == event.hash else {
            throw LedgerError.corrupt("position \(event.position): hash does not match the event's envelope and payload digest")
        }
    }

    static func insertVerbatim(_ e: RecordedEvent, in db: Connection) throws {
        do {
            try LedgerTransaction.insertRow(e, in: db)
        } catch let error as SQLiteError where error.isUniqueConstraint {
            throw LedgerError.corrupt("position \(e.position): event id or stream version already present")
        }
    }
}

extension RecordedEvent {
    /// An event exactly as another ledger recorded it (read back from an export), for `importVerbatim`.
    public static func verbatim(
        position: Int64, eventID: String, streamID: String, streamVersion: Int64, type: String, schemaVersion: Int,
        occurredAt: Timestamp, userID: String?, provenance: Provenance, idempotencyKey: String?, payloadDigest: [UInt8],
        prevHash: [UInt8], hash: [UInt8], salt: [UInt8]?, payload: [UInt8]?
    ) -> RecordedEvent {
        RecordedEvent(
            position: position, eventID: eventID, streamID: streamID, streamVersion: streamVersion, type: type,
            schemaVersion: schemaVersion, occurredAt: occurredAt, userID: userID, provenance: provenance,
            idempotencyKey: idempotencyKey, payloadDigest: payloadDigest, prevHash: prevHash, hash: hash, salt: salt, payload: payload)
    }
}
