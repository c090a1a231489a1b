import SQLite

/// Which events a ledger read returns.
public struct EventFilter: Sendable, Hashable {
    public var types: [String]? = nil
    public var streamID: String? = nil
    public var userID: String? = nil
    public var agentID: String? = nil
    public var clientID: String? = nil
    /// Events whose time is ≥ `since`.
    public var since: Timestamp? = nil
    /// Events whose time is ≤ `until`.
    public var until: Timestamp? = nil

    public init(
        types: [String]? = nil, streamID: String? = nil, userID: String? = nil, agentID: String? = nil,
        clientID: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil
    ) {
        self.types = types
        self.streamID = streamID
        self.userID = userID
        self.agentID = agentID
        self.clientID = clientID
        self.since = since
        self.until = until
    }

    func whereClause() -> (String, [SQLValue]) {
        var clauses: [String] = []
        var args: [SQLValue] = []
        if let types, !types.isEmpty {
            clauses.append("e.type IN (" + types.map { _ in "?" }.joined(separator: ",") + ")")
            args += types.map { .text($0) }
        }
        if let streamID { clauses.append("e.stream_id = ?"); args.append(.text(streamID)) }
        if let userID { clauses.append("e.user_id = ?"); args.append(.text(userID)) }
        if let agentID { clauses.append("e.agent_id = ?"); args.append(.text(agentID)) }
        if let clientID { clauses.append("e.client_id = ?"); args.append(.text(clientID)) }
        if let since { clauses.append("e.occurred_at >= ?"); args.append(.text(since.rfc3339)) }
        if let until { clauses.append("e.occurred_at <= ?"); args.append(.text(until.rfc3339)) }
        return (clauses.map { " AND " + $0 }.joined(), args)
    }
}

/// The chain head: the last position and its hash.
public struct LedgerHead: Sendable, Hashable, CustomStringConvertible {
    public var position: Int64
    public var hash: [UInt8]
    public var description: String { "\(position):\(hash.hexString)" }
}

import Crypto

extension Ledger {
    static let selectEvent = """
        SELECT e.position, e.event_id, e.stream_id, e.stream_version, e.type, e.schema_version, e.occurred_at,
            e.user_id, e.agent_id, e.client_id, e.actor, e.transport, e.request_id, e.correlation_id, e.causation_id,
            e.idempotency_key, e.payload_digest, e.prev_hash, e.hash, p.salt, p.payload
        FROM events e LEFT JOIN event_payloads p ON p.position = e.position
        """

    static func decodeEvent(_ row: Row) -> RecordedEvent {
        RecordedEvent(
            position: row.int64(0), eventID: row.string(1), streamID: row.string(2), streamVersion: row.int64(3),
            type: row.string(4), schemaVersion: row.int(5),
            occurredAt: Timestamp(rfc3339: row.string(6)) ?? Timestamp(milliseconds: 0), userID: row.optionalString(7),
            provenance: Provenance(
                agentID: row.optionalString(8), clientID: row.optionalString(9), actor: row.optionalString(10),
                transport: Transport(rawValue: row.string(11)) ?? .cli, requestID: row.optionalString(12),
                correlationID: row.optionalString(13), causationID: row.optionalString(14)),
            idempotencyKey: row.optionalString(15), payloadDigest: row.blob(16), prevHash: row.blob(17), hash: row.blob(18),
            salt: row.optionalBlob(19), payload: row.optionalBlob(20))
    }

    /// Events after `position` in ledger order, at most `limit`, matching `filter`.
    public func events(after position: Int64 = 0, limit: Int = 1000, filter: EventFilter = EventFilter()) throws -> [RecordedEvent] {
        try read { db in try Self.events(in: db, after: position, limit: limit, filter: filter) }
    }

    public static func events(in db: Connection, after position: Int64, limit: Int, filter: EventFilter = EventFilter()) throws
        -> [RecordedEvent]
    {
        let (clause, args) = filter.whereClause()
        return try db.query(
            selectEvent + " WHERE e.position > ?" + clause + " ORDER BY e.position LIMIT ?",
            [.integer(position)] + args + [.int(limit)], decodeEvent)
    }

    /// Events after `position` and up to `last` in ledger order, at most `limit`, matching `filter`, for
    /// replaying projections: the envelope a projector reads and the payload. Event id, idempotency key,
    /// request ids, digests, hashes and salt are left empty, since a replay never looks at them and
    /// reading them is a large share of a rebuild's read.
    public func replayEvents(
        after position: Int64, through last: Int64 = .max, limit: Int, filter: EventFilter = EventFilter()
    ) throws -> [RecordedEvent] {
        try read { db in try Self.replayEvents(after: position, through: last, limit: limit, filter: filter, in: db) }
    }

    /// `replayEvents(after:through:limit:filter:)` read on `db`, a connection of the caller's own (a
    /// rebuild's reading thread, with its own read-ahead settings).
    public static func replayEvents(
        after position: Int64, through last: Int64 = .max, limit: Int, filter: EventFilter = EventFilter(), in db: Connection
    ) throws -> [RecordedEvent] {
        let (clause, args) = filter.whereClause()
        var events: [RecordedEvent] = []
        events.reserveCapacity(limit)
        try db.forEach(
            """
            SELECT e.position, e.stream_id, e.stream_version, e.type, e.schema_version, e.occurred_at, e.user_id,
                e.agent_id, e.client_id, e.actor, e.transport, p.payload
            FROM events e LEFT JOIN event_payloads p ON p.position = e.position
            WHERE e.position > ? AND e.position <= ?
            """ + clause + " ORDER BY e.position LIMIT ?",
            [.integer(position), .integer(last)] + args + [.int(limit)]
        ) { row in
            events.append(
                RecordedEvent(
                    position: row.int64(0), eventID: "", streamID: row.string(1), streamVersion: row.int64(2),
                    type: row.string(3), schemaVersion: row.int(4),
                    occurredAt: Timestamp(rfc3339: row.string(5)) ?? Timestamp(milliseconds: 0), userID: row.optionalString(6),
                    provenance: Provenance(
                        agentID: row.optionalString(7), clientID: row.optionalString(8), actor: row.optionalString(9),
                        transport: Transport(rawValue: row.string(10)) ?? .cli),
                    idempotencyKey: nil, payloadDigest: [], prevHash: [], hash: [], salt: nil, payload: row.optionalBlob(11)))
        }
        return events
    }

    /// Every event of one stream, in order.
    public func stream(_ streamID: String) throws -> [RecordedEvent] {
        try read { db in try Self.stream(streamID, in: db) }
    }

    /// Every event of one stream, in order, read on `db` (inside a write transaction, say).
    public static func stream(_ streamID: String, in db: Connection) throws -> [RecordedEvent] {
        try db.query(Self.selectEvent + " WHERE e.stream_id = ? ORDER BY e.stream_version", [.text(streamID)], Self.decodeEvent)
    }

    /// The chain head.
    public func head() throws -> LedgerHead {
        try read { db in try Self.head(in: db) }
    }

    public static func head(in db: Connection) throws -> LedgerHead {
        try db.first("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1") {
            LedgerHead(position: $0.int64(0), hash: $0.blob(1))
        } ?? LedgerHead(position: 0, hash: EventHasher.zeroHash)
    }

    /// Copies the WAL into the database file and truncates it, so erased bytes leave the WAL too.
    /// - Returns: false when a reader kept it from completing.
    @discardableResult
    public func checkpoint() throws -> Bool {
        try writeSync { _ in () }  // let queued writes land first
        let db = try Connection(path: path)
        return try db.checkpointTruncate()
    }
}
