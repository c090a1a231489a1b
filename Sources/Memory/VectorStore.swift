import Search
import SQLite
import Synchronization

/// The in-memory vector index of one process, kept in step with the `memory_vectors` table.
///
/// Every vector write bumps the `vectors` change counter in the writing transaction; before a search the
/// store loads the rows written since the counter it last saw, so writes of other processes (a stdio
/// `mcp` beside `serve`, the CLI) are searched too. Rows of memories that are gone are dropped when a
/// search meets them, and at once for this process's own deletions.
final class VectorStore: Sendable {
    struct State {
        /// One index per user, so a search scans only the caller's rows and needs no per-row filter.
        var indexes: [String: VectorIndex] = [:]
        var dimension: Int
        /// Which user each memory belongs to.
        var owners: [Int64: String] = [:]
        /// How many windows each memory has in the index (ids `seq << 8 | window`).
        var windows: [Int64: Int] = [:]
        var seenChange: Int64 = -1
    }

    let model: String
    private let state: Mutex<State>

    init(model: String, dimension: Int) {
        self.model = model
        self.state = Mutex(State(dimension: dimension))
    }

    /// Loads vector rows written since the last look.
    func catchUp(_ db: Connection) throws {
        let change = try db.scalarInt("SELECT position FROM projection_checkpoints WHERE name = 'vectors'") ?? 0
        let seen = state.withLock { $0.seenChange }
        guard change != seen else { return }
        var rows: [(Int64, [[Float]], String)] = []
        try db.forEach(
            """
            SELECT v.seq, v.vector, m.user_id, v.dims FROM memory_vectors v JOIN memories m ON m.seq = v.seq
            WHERE v.change > ? AND v.model = ?
            """, [.integer(seen), .text(model)]
        ) { row in
            let dims = row.int(3)
            rows.append((row.int64(0), row.withBlob(1) { VectorCodec.decode(windows: $0, dimension: dims) }, row.string(2)))
        }
        state.withLock { state in
            if let first = rows.first?.1.first, state.indexes.isEmpty { state.dimension = first.count }
            for (seq, windows, owner) in rows {
                Self.removeWindows(of: seq, from: &state)
                let dimension = state.dimension
                for (w, vector) in windows.prefix(256).enumerated() where vector.count == dimension {
                    try? state.indexes[owner, default: VectorIndex(dimension: dimension)].upsert(id: seq << 8 | Int64(w), vector: vector)
                }
                state.windows[seq] = min(windows.count, 256)
                state.owners[seq] = owner
            }
            state.seenChange = max(state.seenChange, change)
        }
    }

    func remove(_ seqs: [Int64]) {
        state.withLock { state in
            for seq in seqs { Self.removeWindows(of: seq, from: &state) }
        }
    }

    private static func removeWindows(of seq: Int64, from state: inout State) {
        if let owner = state.owners[seq] {
            for w in 0..<(state.windows[seq] ?? 0) { _ = state.indexes[owner]?.remove(id: seq << 8 | Int64(w)) }
        }
        state.windows[seq] = nil
        state.owners[seq] = nil
    }

    /// The memories of `userID` (optionally only `allowed` ones) nearest to `query`, best first; a memory
    /// with several windows scores by its best window.
    func nearest(_ query: [Float], k: Int, userID: String, allowed: Set<Int64>?) -> [VectorMatch] {
        state.withLock { state in
            guard let index = state.indexes[userID], query.count == index.dimension else { return [] }
            let filter: VectorFilter =
                allowed.map { allowed in .allowed(Set(allowed.flatMap { seq in (0..<(state.windows[seq] ?? 0)).map { seq << 8 | Int64($0) } })) } ?? .none
            var best: [VectorMatch] = []
            var seen = Set<Int64>()
            for match in (try? index.search(query, k: k * 2, filter: filter)) ?? [] where seen.insert(match.id >> 8).inserted {
                best.append(VectorMatch(id: match.id >> 8, score: match.score))
                if best.count == k { break }
            }
            return best
        }
    }

    var count: Int { state.withLock { $0.indexes.values.reduce(0) { $0 + $1.count } } }
}
