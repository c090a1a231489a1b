import Crypto
import SQLite

/// A write transaction of the ledger, valid only inside the closure it is passed to.
///
/// Domain commands read current state through `db`, then append; inline projectors run inside
/// `append`, so an event and its projections commit or vanish together.
public struct LedgerTransaction {
    /// The writer connection, for the domain's own reads and projection tables.
    public let db: Connection
    let configuration: LedgerConfiguration
    /// Set while an idempotent command runs: every event it appends carries the key.
    var idempotencyKey: String?

    init(db: Connection, configuration: LedgerConfiguration, idempotencyKey: String? = nil) {
        self.db = db
        self.configuration = configuration
        self.idempotencyKey = idempotencyKey
    }

    /// The version of the stream's last event, or nil when the stream does not exist.
    public func streamVersion(_ streamID: String) throws -> Int64? {
        try db.scalarInt("SELECT max(stream_version) FROM events WHERE stream_id = ?", [.text(streamID)])
    }

    /// Appends `events` to `streamID`, checking `expected` against the stream's current version.
    /// - Returns: the recorded events, with positions, versions and hashes.
    /// - Throws: `LedgerError.wrongExpectedVersion` when the stream is elsewhere.
    @discardableResult
    public func append(
        to streamID: String, expected: ExpectedVersion = .any, events: [NewEvent], provenance: Provenance
    ) throws -> [RecordedEvent] {
        let current = try streamVersion(streamID)
        switch expected {
        case .any: break
        case .noStream:
            if current != nil { throw LedgerError.wrongExpectedVersion(stream: streamID, expected: expected, actual: current) }
        case .exact(let n):
            if current != n { throw LedgerError.wrongExpectedVersion(stream: streamID, expected: expected, actual: current) }
        }
        var version = current ?? 0
        var (position, prevHash, lastTime) = try head()
        var recorded: [RecordedEvent] = []
        recorded.reserveCapacity(events.count)
        for event in events {
            position += 1
            version += 1
            // Times never decrease along the ledger, even when the clock steps back.
            let time = max(configuration.clock(), lastTime)
            lastTime = time
            let salt = SecureRandom.bytes(16)
            var record = RecordedEvent(
                position: position, eventID: SecureRandom.uuidV7(unixMilliseconds: UInt64(max(0, time.milliseconds))),
                streamID: streamID, streamVersion: version, type: event.type, schemaVersion: event.schemaVersion,
                occurredAt: time, userID: event.userID, provenance: provenance, idempotencyKey: idempotencyKey,
                payloadDigest: EventHasher.payloadDigest(salt: salt, payload: event.payload), prevHash: prevHash,
                hash: [], salt: salt, payload: event.payload)
            record.hash = EventHasher.hash(of: record)
            try insert(record)
            prevHash = record.hash
            for projector in configuration.projectors {
                try projector.apply(record, in: db)
            }
            recorded.append(record)
        }
        if let last = recorded.last {
            for projector in configuration.projectors {
                try db.run(
                    """
                    INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET position = excluded.position
                    """, .text(projector.name), .integer(last.position))
            }
        }
        return recorded
    }

    /// The last position, its hash and its time (position 0 and the zero hash for an empty ledger).
    func head() throws -> (Int64, [UInt8], Timestamp) {
        try db.first("SELECT position, hash, occurred_at FROM events ORDER BY position DESC LIMIT 1") { row in
            (row.int64(0), row.blob(1), Timestamp(rfc3339: row.string(2)) ?? Timestamp(milliseconds: 0))
        } ?? (0, EventHasher.zeroHash, Timestamp(milliseconds: 0))
    }

    private func insert(_ e: RecordedEvent) throws {
        do {
            try Self.insertRow(e, in: db)
        } catch let error as SQLiteError where error.isUniqueConstraint {
            // The backstop of optimistic concurrency: (stream_id, stream_version) is unique.
            throw LedgerError.wrongExpectedVersion(stream: e.streamID, expected: .exact(e.streamVersion - 1), actual: nil)
        }
    }

    /// Inserts an event's envelope and, unless it was redacted, its payload row.
    static func insertRow(_ e: RecordedEvent, in db: Connection) throws {
        try db.run(
            """
            INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version, occurred_at,
                user_id, agent_id, client_id, actor, transport, request_id, correlation_id, causation_id,
                idempotency_key, payload_digest, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                .integer(e.position), .text(e.eventID), .text(e.streamID), .integer(e.streamVersion), .text(e.type),
                .int(e.schemaVersion), .text(e.occurredAt.rfc3339), .text(e.userID), .text(e.provenance.agentID),
                .text(e.provenance.clientID), .text(e.provenance.actor), .text(e.provenance.transport.rawValue),
                .text(e.provenance.requestID), .text(e.provenance.correlationID), .text(e.provenance.causationID),
                .text(e.idempotencyKey), .blob(e.payloadDigest), .blob(e.prevHash), .blob(e.hash),
            ])
        if let payload = e.payload, let salt = e.salt {
            try db.run("INSERT INTO event_payloads (position, salt, payload) VALUES (?, ?, ?)", .integer(e.position), .blob(salt), .blob(payload))
        }
    }

    /// Erases the stored payload bytes of every event of `streamID` (redaction). Envelopes, digests and
    /// hashes stay, so the chain still verifies. With `secure_delete` on, the freed bytes are zeroed;
    /// the caller checkpoints the WAL after commit (`Ledger.checkpoint()`).
    /// - Returns: how many payloads were erased.
    @discardableResult
    public func erasePayloads(ofStream streamID: String) throws -> Int {
        let erased = try db.run(
            "DELETE FROM event_payloads WHERE position IN (SELECT position FROM events WHERE stream_id = ?)",
            .text(streamID))
        try db.run("DELETE FROM idempotency_keys WHERE instr(subjects, ?) > 0", .text("|\(streamID)|"))
        return erased
    }
}
