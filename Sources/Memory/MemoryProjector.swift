import JSON
import Ledger
import Search
import SQLite

/// Projects memory events into the read model, the full-text index and the per-user counts, inside
/// the append's transaction (and, unchanged, during a rebuild).
///
/// Deterministic: it reads only the event. A row's `seq` is the position of the event that created it.
public struct MemoryProjector: Projector {
    public let name = "memories"
    /// When true, `memories_fts` and `memory_counts` are left alone: a rebuild derives both in bulk
    /// from the finished `memories` table (`MemoryRebuilder`), which is far faster than row by row.
    let defersDerivedTables: Bool

    public init() { defersDerivedTables = false }

    init(defersDerivedTables: Bool) { self.defersDerivedTables = defersDerivedTables }

    /// What applying an event computes from the event alone: its decoded state, the duplicate
    /// fingerprint, the metadata column and the time column. Pure, so a rebuild derives it on another
    /// thread while the writer applies the previous batch.
    struct Derived: Sendable {
        var state: MemoryEvent.State?
        /// The creation a `restored` event keeps; nil for every other event and for older restored events.
        var creation: MemoryEvent.Creation?
        var fingerprint: String
        var metadata: String
        var time: String

        init(_ event: RecordedEvent) {
            time = event.occurredAt.rfc3339
            switch event.type {
            case MemoryEvent.added, MemoryEvent.restored, MemoryEvent.updated:
                state = MemoryEvent.State(payload: event.payload)
            default:
                state = nil
            }
            creation = event.type == MemoryEvent.restored ? MemoryEvent.Creation(payload: event.payload) : nil
            fingerprint = state.map { ContentNormalizer.fingerprint($0.content) } ?? "redacted:\(event.streamID)"
            let object = state?.metadata ?? JSONObject()
            metadata = object.isEmpty ? "{}" : JSONValue.object(object).serializedString()
        }
    }

    public func apply(_ event: RecordedEvent, in db: Connection) throws {
        try apply(event, derived: Derived(event), in: db)
    }

    /// Applies `event` with what was already derived from it (`Derived(event)`).
    func apply(_ event: RecordedEvent, derived: Derived, in db: Connection) throws {
        switch event.type {
        case MemoryEvent.added, MemoryEvent.restored:
            try insert(event, derived, in: db)
        case MemoryEvent.updated:
            try update(event, derived, in: db)
        case MemoryEvent.deleted, MemoryEvent.redacted:
            try remove(streamID: event.streamID, in: db)
        default:
            break
        }
    }

    private func insert(_ event: RecordedEvent, _ derived: Derived, in db: Connection) throws {
        // An `added` event starts its stream (appended with `.noStream`), so in a bulk rebuild there is no
        // row to replace; were there one, the insert below would fail on the unique id, never differ.
        if !(defersDerivedTables && event.type == MemoryEvent.added) {
            try remove(streamID: event.streamID, in: db)
        }
        let state = derived.state
        let seq = event.position
        let actor = event.provenance
        let userID = event.userID ?? ""
        let createdAt = derived.creation?.at.rfc3339 ?? derived.time
        let createdBy = derived.creation.map { ($0.agentID, $0.clientID) } ?? (actor.agentID, actor.clientID)
        try db.run(
            """
            INSERT INTO memories (seq, id, user_id, content, metadata, agent_id, run_id, created_at, updated_at,
                created_by_agent, created_by_client, updated_by_agent, updated_by_client, version, fingerprint,
                redacted, last_position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                .integer(seq), .text(event.streamID), .text(userID), .text(state?.content), .text(derived.metadata),
                .text(state?.agentID), .text(state?.runID), .text(createdAt), .text(derived.time),
                .text(createdBy.0), .text(createdBy.1), .text(actor.agentID), .text(actor.clientID),
                .integer(event.streamVersion), .text(derived.fingerprint), .bool(state == nil), .integer(event.position),
            ])
        guard !defersDerivedTables else { return }
        try db.run(
            "INSERT INTO memory_counts (user_id, live) VALUES (?, 1) ON CONFLICT (user_id) DO UPDATE SET live = live + 1",
            .text(userID))
        if let state {
            try db.run("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)", .integer(seq), .text(TextNormalizer.ftsText(for: state.content)))
        }
    }

    private func update(_ event: RecordedEvent, _ derived: Derived, in db: Connection) throws {
        guard let seq = try db.scalarInt("SELECT seq FROM memories WHERE id = ?", [.text(event.streamID)]) else { return }
        let actor = event.provenance
        guard let state = derived.state else {
            // Redacted content in a point-in-time store: the change happened, its content is gone.
            try db.run(
                """
                UPDATE memories SET content = NULL, redacted = 1, updated_at = ?, updated_by_agent = ?,
                    updated_by_client = ?, version = ?, last_position = ?, fingerprint = ? WHERE seq = ?
                """, .text(derived.time), .text(actor.agentID), .text(actor.clientID),
                .integer(event.streamVersion), .integer(event.position), .text(derived.fingerprint), .integer(seq))
            if !defersDerivedTables { try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(seq)) }
            return
        }
        try db.run(
            """
            UPDATE memories SET content = ?, metadata = ?, run_id = ?, updated_at = ?, updated_by_agent = ?,
                updated_by_client = ?, version = ?, fingerprint = ?, last_position = ?, redacted = 0
            WHERE seq = ?
            """,
            arguments: [
                .text(state.content), .text(derived.metadata), .text(state.runID),
                .text(derived.time), .text(actor.agentID), .text(actor.clientID), .integer(event.streamVersion),
                .text(derived.fingerprint), .integer(event.position), .integer(seq),
            ])
        guard !defersDerivedTables else { return }
        try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(seq))
        try db.run("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)", .integer(seq), .text(TextNormalizer.ftsText(for: state.content)))
    }

    private func remove(streamID: String, in db: Connection) throws {
        guard let (seq, userID) = try db.first("SELECT seq, user_id FROM memories WHERE id = ?", [.text(streamID)], { ($0.int64(0), $0.string(1)) })
        else { return }
        try db.run("DELETE FROM memories WHERE seq = ?", .integer(seq))
        // A rebuild's target has no vectors yet (they are not a projection of the events alone).
        guard !defersDerivedTables else { return }
        try db.run("DELETE FROM memory_vectors WHERE seq = ?", .integer(seq))
        try db.run("DELETE FROM pending_vectors WHERE seq = ?", .integer(seq))
        try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(seq))
        // A user without live memories has no row, so counts rebuilt in bulk (GROUP BY) are the same rows.
        try db.run("UPDATE memory_counts SET live = live - 1 WHERE user_id = ?", .text(userID))
        try db.run("DELETE FROM memory_counts WHERE user_id = ? AND live = 0", .text(userID))
    }
}
