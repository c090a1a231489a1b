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
        var index: VectorIndex
        /// Which user each row belongs to, for the per-user filter.
        var owners: [Int64: String] = [:]
        /// How many windows each memory has in the index (ids `seq << 8 | window`).
        var windows: [Int64: Int] = [:]
        var seenChange: Int64 = -1
    }

    let model: String
    private let state: Mutex<State>

    init(model: String, dimension: Int) {
        self.model = model
        self.state = Mutex(State(index: VectorIndex(dimension: max(dimension, 1))))
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
            if let first = rows.first?.1.first, state.index.isEmpty, state.index.dimension != first.count {
                state.index = VectorIndex(dimension: first.count)
            }
            for (seq, windows, owner) in rows {
                Self.removeWindows(of: seq, from: &state)
                for (w, vector) in windows.prefix(256).enumerated() where vector.count == state.index.dimension {
                    try? state.index.upsert(id: seq << 8 | Int64(w), vector: vector)
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
        for w in 0..<(state.windows[seq] ?? 0) { _ = state.index.remove(id: seq << 8 | Int64(w)) }
        state.windows[seq] = nil
        state.owners[seq] = nil
    }

    /// The memories of `userID` (optionally only `allowed` ones) nearest to `query`, best first; a memory
    /// with several windows scores by its best window.
    func nearest(_ query: [Float], k: Int, userID: String, allowed: Set<Int64>?) -> [VectorMatch] {
        state.withLock { state in
            guard query.count == state.index.dimension else { return [] }
            let filter: VectorFilter
            if let allowed {
                filter = .allowed(Set(allowed.flatMap { seq in (0..<(state.windows[seq] ?? 0)).map { seq << 8 | Int64($0) } }))
            } else {
                let owners = state.owners
                filter = .predicate { owners[$0 >> 8] == userID }
            }
            var best: [VectorMatch] = []
            var seen = Set<Int64>()
            for match in (try? state.index.search(query, k: k * 2, filter: filter)) ?? [] where seen.insert(match.id >> 8).inserted {
                best.append(VectorMatch(id: match.id >> 8, score: match.score))
                if best.count == k { break }
            }
            return best
        }
    }

    var count: Int { state.withLock { $0.index.count } }
}
