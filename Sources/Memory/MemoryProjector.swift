import JSON
import Ledger
import Search
import SQLite

/// Projects memory events into the read model, the full-text index and the per-user counts, inside
/// the append's transaction (and, with the same row values, during a rebuild: `MemoryRebuilder`).
///
/// Deterministic: it reads only the event. A row's `seq` is the position of the event that created it.
public struct MemoryProjector: Projector {
    public let name = "memories"

    public init() {}

    /// What an event does to `memories`.
    enum Change: Sendable, Equatable {
        /// Replace any row of the memory with a new one (`added`, `restored`).
        case insert
        /// Change the memory's row in place; `redacted`: its content is gone (a point-in-time store).
        case update(redacted: Bool)
        /// Remove the memory's row (`deleted`, `redacted`).
        case remove
        case none
    }

    /// What applying an event computes from the event alone: the change and the values it writes, the
    /// duplicate fingerprint and the time columns included. Pure, so a rebuild derives it on its reading
    /// thread while the writer applies the previous batch.
    struct Derived: Sendable {
        var change: Change
        var streamID: String
        var position: Int64
        var userID: String
        /// Set for `insert` and for a content-bearing `update`.
        var content: String?
        /// `insert`: every column of the row, in `Self.insert`'s order. `update`: the `SET` values of
        /// `Self.update` or `Self.updateRedacted`, the row's `seq` still to be appended.
        var values: [SQLValue]
        /// The memory id as `RowTracker` keys it, worked out here so a rebuild does it on every core.
        var key: UUIDKey?

        init(_ event: RecordedEvent) {
            streamID = event.streamID
            key = UUIDKey(event.streamID)
            position = event.position
            userID = event.userID ?? ""
            let time = event.occurredAt.rfc3339
            let actor = event.provenance
            switch event.type {
            case MemoryEvent.added, MemoryEvent.restored:
                let payload = event.payload.flatMap { try? JSONValue.parse($0) }
                let state = MemoryEvent.State(payload)
                let creation = event.type == MemoryEvent.restored ? MemoryEvent.Creation(payload) : nil
                let createdBy = creation.map { ($0.agentID, $0.clientID) } ?? (actor.agentID, actor.clientID)
                change = .insert
                content = state?.content
                values = [
                    .integer(event.position), .text(event.streamID), .text(userID), .text(state?.content),
                    .text(Self.metadata(state)), .text(state?.agentID), .text(state?.runID), .text(creation?.at.rfc3339 ?? time),
                    .text(time), .text(createdBy.0), .text(createdBy.1), .text(actor.agentID), .text(actor.clientID),
                    .integer(event.streamVersion), Self.fingerprint(state), .bool(state == nil), .integer(event.position),
                ]
            case MemoryEvent.updated:
                let state = MemoryEvent.State(payload: event.payload)
                change = .update(redacted: state == nil)
                content = state?.content
                let stamp: [SQLValue] = [
                    .text(time), .text(actor.agentID), .text(actor.clientID), .integer(event.streamVersion), .integer(event.position),
                ]
                values = state.map { [.text($0.content), .text(Self.metadata($0)), .text($0.runID), Self.fingerprint($0)] + stamp } ?? stamp
            case MemoryEvent.deleted, MemoryEvent.redacted:
                change = .remove
                values = []
            default:
                change = .none
                values = []
            }
        }

        static func metadata(_ state: MemoryEvent.State?) -> String {
            guard let object = state?.metadata, !object.isEmpty else { return "{}" }
            return JSONValue.object(object).serializedString()
        }

        /// NULL for redacted content, so any number of redacted rows fit the unique fingerprint index.
        static func fingerprint(_ state: MemoryEvent.State?) -> SQLValue {
            state.map { .blob(ContentNormalizer.fingerprint($0.content)) } ?? .null
        }
    }

    static let insert = """
        INSERT INTO memories (seq, id, user_id, content, metadata, agent_id, run_id, created_at, updated_at,
            created_by_agent, created_by_client, updated_by_agent, updated_by_client, version, fingerprint,
            redacted, last_position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let update = """
        UPDATE memories SET content = ?, metadata = ?, run_id = ?, fingerprint = ?, updated_at = ?, updated_by_agent = ?,
            updated_by_client = ?, version = ?, last_position = ?, redacted = 0
        WHERE seq = ?
        """
    static let updateRedacted = """
        UPDATE memories SET content = NULL, fingerprint = NULL, redacted = 1, updated_at = ?, updated_by_agent = ?,
            updated_by_client = ?, version = ?, last_position = ?
        WHERE seq = ?
        """
    static let delete = "DELETE FROM memories WHERE seq = ?"

    public func apply(_ event: RecordedEvent, in db: Connection) throws {
        let derived = Derived(event)
        switch derived.change {
        case .insert:
            if let old = try row(of: derived.streamID, in: db) { try remove(old, in: db) }
            try db.run(Self.insert, arguments: derived.values)
            try db.run(
                "INSERT INTO memory_counts (user_id, live) VALUES (?, 1) ON CONFLICT (user_id) DO UPDATE SET live = live + 1",
                .text(derived.userID))
            if let content = derived.content { try index(content, seq: derived.position, in: db) }
        case .update(let redacted):
            guard let (seq, _) = try row(of: derived.streamID, in: db) else { return }
            try db.run(redacted ? Self.updateRedacted : Self.update, arguments: derived.values + [.integer(seq)])
            try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(seq))
            if let content = derived.content { try index(content, seq: seq, in: db) }
        case .remove:
            if let old = try row(of: derived.streamID, in: db) { try remove(old, in: db) }
        case .none:
            break
        }
    }

    private func row(of id: String, in db: Connection) throws -> (seq: Int64, userID: String)? {
        try db.first("SELECT seq, user_id FROM memories WHERE id = ?", [.text(id)]) { ($0.int64(0), $0.string(1)) }
    }

    private func index(_ content: String, seq: Int64, in db: Connection) throws {
        try db.run("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)", .integer(seq), .text(TextNormalizer.ftsText(for: content)))
    }

    private func remove(_ row: (seq: Int64, userID: String), in db: Connection) throws {
        try db.run(Self.delete, .integer(row.seq))
        try db.run("DELETE FROM memory_vectors WHERE seq = ?", .integer(row.seq))
        try db.run("DELETE FROM pending_vectors WHERE seq = ?", .integer(row.seq))
        try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(row.seq))
        // A user without live memories has no row, so counts rebuilt in bulk (GROUP BY) are the same rows.
        try db.run("UPDATE memory_counts SET live = live - 1 WHERE user_id = ?", .text(row.userID))
        try db.run("DELETE FROM memory_counts WHERE user_id = ? AND live = 0", .text(row.userID))
    }
}

/// The rebuild's side of the projector: `memories` alone, without its indexes, the full-text index, the
/// counts or vectors (built in bulk afterwards), each memory's row found by a `RowTracker` instead of the
/// id index. The row values are `MemoryProjector.Derived`'s, as on the live path.
struct BulkMemoryWriter {
    private let insert: Statement
    private let update: Statement
    private let updateRedacted: Statement
    private let delete: Statement
    private var rows: RowTracker

    init(_ db: Connection, expecting count: Int) throws {
        insert = try db.prepared(MemoryProjector.insert)
        update = try db.prepared(MemoryProjector.update)
        updateRedacted = try db.prepared(MemoryProjector.updateRedacted)
        delete = try db.prepared(MemoryProjector.delete)
        rows = RowTracker(expecting: count)
    }

    mutating func apply(_ derived: MemoryProjector.Derived) throws {
        let current = rows.track(derived)
        switch derived.change {
        case .insert:
            if let old = current { try delete.run([.integer(old)]) }
            try insert.run(derived.values)
        case .update(let redacted):
            guard let seq = current else { return }
            try (redacted ? updateRedacted : update).run(derived.values + [.integer(seq)])
        case .remove:
            if let old = current { try delete.run([.integer(old)]) }
        case .none:
            break
        }
    }
}

/// Where each live memory's row is during a rebuild, fed every event in order: the same answer
/// `SELECT seq FROM memories WHERE id = ?` gives the live projector at that event.
struct RowTracker {
    /// Memory ids are lowercase UUIDs, kept as their 16 bytes; any other id (an imported one) as text.
    private var seqByUUID: [UUIDKey: Int64] = [:]
    private var seqByText: [String: Int64] = [:]

    init(expecting count: Int = 0) { seqByUUID.reserveCapacity(count) }

    /// Records what the event does to its memory's row.
    /// - Returns: the `seq` of the memory's row before the event, or nil when it has none.
    mutating func track(_ derived: MemoryProjector.Derived) -> Int64? {
        if let key = derived.key {
            Self.track(derived.change, derived.position, key, in: &seqByUUID)
        } else {
            Self.track(derived.change, derived.position, derived.streamID, in: &seqByText)
        }
    }

    private static func track<Key: Hashable>(
        _ change: MemoryProjector.Change, _ position: Int64, _ key: Key, in seqs: inout [Key: Int64]
    ) -> Int64? {
        switch change {
        case .insert: seqs.updateValue(position, forKey: key)
        case .update: seqs[key]
        case .remove: seqs.removeValue(forKey: key)
        case .none: nil
        }
    }
}

/// The 128 bits of a UUID written in lowercase hexadecimal with its four hyphens, and of nothing else:
/// two ids that differ as text never share a key.
struct UUIDKey: Hashable {
    let high: UInt64
    let low: UInt64

    init?(_ text: String) {
        var text = text
        guard let (high, low) = text.withUTF8({ Self.parse($0) }) else { return nil }
        self.high = high
        self.low = low
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count == 36, bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for (index, byte) in bytes.enumerated() where index != 8 && index != 13 && index != 18 && index != 23 {
            let nibble: UInt8
            if byte &- 0x30 < 10 {
                nibble = byte &- 0x30
            } else if byte &- 0x61 < 6 {
                nibble = byte &- 0x61 &+ 10
            } else {
                return nil
            }
            if digits < 16 { words.0 = words.0 << 4 | UInt64(nibble) } else { words.1 = words.1 << 4 | UInt64(nibble) }
            digits += 1
        }
        return words
    }
}
