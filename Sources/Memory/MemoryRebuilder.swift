import Foundation
import Ledger
import SQLite

/// Builds the memory projections from the ledger into a separate database: a full rebuild, or the
/// store as it was at a position or a time (point-in-time). The same projector code as the live path.
public enum MemoryRebuilder {
    /// Where to stop.
    public enum Bound: Sendable, Hashable {
        case end
        case position(Int64)
        /// Every event whose time is ≤ this.
        case time(Timestamp)
    }

    /// Replays the ledger at `source` into a new database at `target` (which must not exist).
    /// - Returns: the number of events applied and the last position applied.
    @discardableResult
    public static func rebuild(
        from source: Ledger, into target: String, until bound: Bound = .end, progress: ((Int64) -> Void)? = nil
    ) throws -> (events: Int64, lastPosition: Int64) {
        guard !FileManager.default.fileExists(atPath: target) else {
            throw MemoryError.invalid("\(target) already exists; choose a new file")
        }
        // Create the schema, then apply events straight through the projector in large transactions.
        let schema = try Ledger(path: target)
        schema.close()
        let db = try Connection(path: target)
        try db.execute("PRAGMA synchronous=OFF")
        let projector = MemoryProjector()
        var filter = EventFilter()
        if case .time(let t) = bound { filter.until = t }
        var after: Int64 = 0
        var applied: Int64 = 0
        var finished = false
        while !finished {
            let batch = try source.events(after: after, limit: 20_000, filter: filter)
            if batch.isEmpty { break }
            try db.writeTransaction {
                for event in batch {
                    if case .position(let p) = bound, event.position > p {
                        finished = true
                        return
                    }
                    try projector.apply(event, in: db)
                    applied += 1
                    after = event.position
                }
            }
            progress?(applied)
        }
        try db.run(
            "INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)", .text(projector.name), .integer(after))
        return (applied, after)
    }

    /// The projected rows of a store, table by table, for comparing a live store with a rebuild.
    public static func snapshot(of db: Connection) throws -> [String: [[SQLValue]]] {
        var tables: [String: [[SQLValue]]] = [:]
        tables["memories"] = try db.query(
            """
            SELECT seq, id, user_id, content, metadata, agent_id, run_id, created_at, updated_at, created_by_agent,
                created_by_client, updated_by_agent, updated_by_client, version, fingerprint, redacted, last_position
            FROM memories ORDER BY seq
            """
        ) { row in (0..<17).map { row.value($0) } }
        tables["memories_fts"] = try db.query("SELECT rowid, terms FROM memories_fts ORDER BY rowid") { [$0.value(0), $0.value(1)] }
        return tables
    }
}
