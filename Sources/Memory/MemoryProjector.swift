import JSON
import Ledger
import Search
import SQLite

/// Projects memory events into the read model and the full-text index, inside the append's
/// transaction (and, unchanged, during a rebuild).
///
/// Deterministic: it reads only the event. A row's `seq` is the position of the event that created it.
public struct MemoryProjector: Projector {
    public let name = "memories"

    public init() {}

    public func apply(_ event: RecordedEvent, in db: Connection) throws {
        switch event.type {
        case MemoryEvent.added, MemoryEvent.restored:
            try insert(event, in: db)
        case MemoryEvent.updated:
            try update(event, in: db)
        case MemoryEvent.deleted, MemoryEvent.redacted:
            try remove(streamID: event.streamID, in: db)
        default:
            break
        }
    }

    private func insert(_ event: RecordedEvent, in db: Connection) throws {
        try remove(streamID: event.streamID, in: db)
        let state = MemoryEvent.State(payload: event.payload)
        let seq = event.position
        let actor = event.provenance
        try db.run(
            """
            INSERT INTO memories (seq, id, user_id, content, metadata, agent_id, run_id, created_at, updated_at,
                created_by_agent, created_by_client, updated_by_agent, updated_by_client, version, fingerprint,
                redacted, last_position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                .integer(seq), .text(event.streamID), .text(event.userID ?? ""), .text(state?.content),
                .text(JSONValue.object(state?.metadata ?? JSONObject()).serializedString()), .text(state?.agentID),
                .text(state?.runID), .text(event.occurredAt.rfc3339), .text(event.occurredAt.rfc3339),
                .text(actor.agentID), .text(actor.clientID), .text(actor.agentID), .text(actor.clientID),
                .integer(event.streamVersion),
                .text(state.map { ContentNormalizer.fingerprint($0.content) } ?? "redacted:\(event.streamID)"),
                .bool(state == nil), .integer(event.position),
            ])
        if let state {
            try db.run("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)", .integer(seq), .text(TextNormalizer.ftsText(for: state.content)))
        }
    }

    private func update(_ event: RecordedEvent, in db: Connection) throws {
        guard let seq = try db.scalarInt("SELECT seq FROM memories WHERE id = ?", [.text(event.streamID)]) else { return }
        let actor = event.provenance
        guard let state = MemoryEvent.State(payload: event.payload) else {
            // Redacted content in a point-in-time store: the change happened, its content is gone.
            try db.run(
                """
                UPDATE memories SET content = NULL, redacted = 1, updated_at = ?, updated_by_agent = ?,
                    updated_by_client = ?, version = ?, last_position = ?, fingerprint = ? WHERE seq = ?
                """, .text(event.occurredAt.rfc3339), .text(actor.agentID), .text(actor.clientID),
                .integer(event.streamVersion), .integer(event.position), .text("redacted:\(event.streamID)"), .integer(seq))
            try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(seq))
            return
        }
        try db.run(
            """
            UPDATE memories SET content = ?, metadata = ?, run_id = ?, updated_at = ?, updated_by_agent = ?,
                updated_by_client = ?, version = ?, fingerprint = ?, last_position = ?, redacted = 0
            WHERE seq = ?
            """,
            arguments: [
                .text(state.content), .text(JSONValue.object(state.metadata).serializedString()), .text(state.runID),
                .text(event.occurredAt.rfc3339), .text(actor.agentID), .text(actor.clientID), .integer(event.streamVersion),
                .text(ContentNormalizer.fingerprint(state.content)), .integer(event.position), .integer(seq),
            ])
        try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(seq))
        try db.run("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)", .integer(seq), .text(TextNormalizer.ftsText(for: state.content)))
    }

    private func remove(streamID: String, in db: Connection) throws {
        guard let seq = try db.scalarInt("SELECT seq FROM memories WHERE id = ?", [.text(streamID)]) else { return }
        try db.run("DELETE FROM memories WHERE seq = ?", .integer(seq))
        try db.run("DELETE FROM memories_fts WHERE rowid = ?", .integer(seq))
        try db.run("DELETE FROM memory_vectors WHERE seq = ?", .integer(seq))
        try db.run("DELETE FROM pending_vectors WHERE seq = ?", .integer(seq))
    }
}
