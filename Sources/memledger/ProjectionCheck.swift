import Crypto
import Foundation
import Ledger
import Memory
import SQLite

/// A projected row that differs from what the ledger says it should be.
struct ProjectionDrift: CustomStringConvertible {
    /// The projection's table: `memories` (read model), `memories_fts` (full-text), `memory_vectors`.
    var table: String
    /// The row's key (`seq=…` / `rowid=…`).
    var row: String
    /// What is wrong, naming columns but never their content.
    var detail: String

    var description: String { "\(table) row \(row): \(detail)" }
}

/// Compares the live projections with a fresh rebuild from the ledger (DESIGN.md §2 "verify").
enum ProjectionCheck {
    /// Rebuilds the projections into a scratch file inside the data directory (owner-only, like the
    /// live data) up to the live head, and names the first differing row.
    ///
    /// A server may append meanwhile: the live store is read in one read transaction that stays open
    /// from taking its head to the last row compared, and the rebuild stops at that head. A redaction
    /// landing meanwhile erases payloads the rebuild reads, which can make a difference that is not
    /// drift, so a difference in the rebuilt tables is confirmed by a second try. Both stores are read
    /// in key order a chunk at a time, never whole.
    /// - Returns: the first drift, or nil, and the position compared at.
    static func firstDrift(in ledger: Ledger, scratchDirectory: String, progress: ((Int64) -> Void)? = nil) throws
        -> (drift: ProjectionDrift?, position: Int64)
    {
        var last: (ProjectionDrift?, Int64) = (nil, 0)
        for _ in 0..<2 {
            last = try compareOnce(ledger, scratchDirectory: scratchDirectory, progress: progress)
            // Vectors are checked against the live store alone, which a redaction cannot change under the read.
            guard let drift = last.0, drift.table != "memory_vectors" else { return last }
        }
        return last
    }

    private static func compareOnce(_ ledger: Ledger, scratchDirectory: String, progress: ((Int64) -> Void)?) throws
        -> (ProjectionDrift?, Int64)
    {
        try ledger.read { live in
            let position = try Ledger.head(in: live).position
            let scratch = (scratchDirectory as NSString).appendingPathComponent(".verify-\(UUID().uuidString).sqlite")
            defer {
                Connection.removeFiles(at: scratch)
            }
            try MemoryRebuilder.rebuild(from: ledger, into: scratch, until: .position(position), progress: progress)
            let rebuilt = try Connection(path: scratch, options: ConnectionOptions(mode: .readOnly))
            for table in ProjectedRows.tables {
                var liveRows = ProjectedRows(table, in: live)
                var rebuiltRows = ProjectedRows(table, in: rebuilt)
                if let drift = try compare(&liveRows, with: &rebuiltRows) { return (drift, position) }
            }
            return (try vectorsDrift(in: live), position)
        }
    }

    /// The first row where two tables read in key order differ.
    static func compare(_ live: inout ProjectedRows, with rebuilt: inout ProjectedRows) throws -> ProjectionDrift? {
        let table = live.table
        var a = try live.next()
        var b = try rebuilt.next()
        while a != nil || b != nil {
            guard let x = a else {
                return ProjectionDrift(table: table.name, row: "\(table.key)=\(show(b![0]))", detail: "missing from the live store (a rebuild has it)")
            }
            guard let y = b else {
                return ProjectionDrift(table: table.name, row: "\(table.key)=\(show(x[0]))", detail: "in the live store but not in a rebuild")
            }
            if x[0] != y[0] {
                if order(x[0], y[0]) {
                    return ProjectionDrift(table: table.name, row: "\(table.key)=\(show(x[0]))", detail: "in the live store but not in a rebuild")
                }
                return ProjectionDrift(table: table.name, row: "\(table.key)=\(show(y[0]))", detail: "missing from the live store (a rebuild has it)")
            }
            if x != y {
                let names = table.columns.indices.filter { x[$0] != y[$0] }.map { table.columns[$0] }
                return ProjectionDrift(table: table.name, row: "\(table.key)=\(show(x[0]))", detail: "differs from a rebuild in \(names.joined(separator: ", "))")
            }
            a = try live.next()
            b = try rebuilt.next()
        }
        return nil
    }

    /// Vectors cannot be recomputed without the embedder, so they are checked against what the ledger
    /// and the embedding cache say: every vector belongs to a live memory and has whole windows of its
    /// dimension; it equals the cached embedding of that memory's content when one is cached; and every
    /// live memory with content has a vector or is queued for one.
    static func vectorsDrift(in db: Connection) throws -> ProjectionDrift? {
        if let orphan = try db.scalarInt(
            "SELECT v.seq FROM memory_vectors v LEFT JOIN memories m ON m.seq = v.seq WHERE m.seq IS NULL ORDER BY v.seq LIMIT 1")
        {
            return ProjectionDrift(table: "memory_vectors", row: "seq=\(orphan)", detail: "in the live store but not in a rebuild (no such memory)")
        }
        if let mixed = try db.scalarInt(
            """
            SELECT v.seq FROM memory_vectors v, (SELECT model, dims FROM memory_vectors ORDER BY seq LIMIT 1) f
            WHERE v.model <> f.model OR v.dims <> f.dims ORDER BY v.seq LIMIT 1
            """)
        {
            return ProjectionDrift(table: "memory_vectors", row: "seq=\(mixed)", detail: "made by another embedder than the first vector (run memledger reindex)")
        }
        var drift: ProjectionDrift?
        try db.forEach(
            "SELECT v.seq, v.model, v.dims, v.vector, m.content FROM memory_vectors v JOIN memories m ON m.seq = v.seq ORDER BY v.seq"
        ) { row in
            guard drift == nil else { return }
            let seq = row.int64(0)
            let dims = row.int(2)
            let vector = row.blob(3)
            guard dims > 0, !vector.isEmpty, vector.count % (dims * 4) == 0 else {
                drift = ProjectionDrift(table: "memory_vectors", row: "seq=\(seq)", detail: "vector length is not whole windows of its dims")
                return
            }
            guard let content = row.optionalString(4) else { return }
            // A cache entry is the 4-byte little-endian window dimension, then the windows (VectorCodec).
            if let cached = try db.first(
                "SELECT vector FROM embedding_cache WHERE model = ? AND content_digest = ?", [.text(row.string(1)), .blob(SHA256.hash(content))],
                { $0.blob(0) }), cached.count < 4 || Array(cached.dropFirst(4)) != vector
            {
                drift = ProjectionDrift(table: "memory_vectors", row: "seq=\(seq)", detail: "differs from the embedding of its memory's content")
            }
        }
        if drift != nil { return drift }
        if let missing = try db.scalarInt(
            """
            SELECT m.seq FROM memories m WHERE m.content IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM memory_vectors v WHERE v.seq = m.seq)
                AND NOT EXISTS (SELECT 1 FROM pending_vectors p WHERE p.seq = m.seq)
            ORDER BY m.seq LIMIT 1
            """)
        {
            return ProjectionDrift(
                table: "memory_vectors", row: "seq=\(missing)", detail: "missing: the memory has no vector and none is queued (run memledger reindex)")
        }
        return nil
    }

    private static func show(_ value: SQLValue) -> String {
        switch value {
        case .integer(let n): return String(n)
        case .text(let s): return s
        default: return "?"
        }
    }

    private static func order(_ a: SQLValue, _ b: SQLValue) -> Bool {
        if case .integer(let x) = a, case .integer(let y) = b { return x < y }
        return show(a) < show(b)
    }
}
