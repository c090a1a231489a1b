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
        var rows: [(Int64, [Float], String)] = []
        try db.forEach(
            """
            SELECT v.seq, v.vector, m.user_id FROM memory_vectors v JOIN memories m ON m.seq = v.seq
            WHERE v.change > ? AND v.model = ?
            """, [.integer(seen), .text(model)]
        ) { row in
            rows.append((row.int64(0), row.withBlob(1, VectorCodec.decode), row.string(2)))
        }
        state.withLock { state in
            if let first = rows.first, state.index.isEmpty, state.index.dimension != first.1.count {
                state.index = VectorIndex(dimension: first.1.count)
            }
            for (seq, vector, owner) in rows where vector.count == state.index.dimension {
                try? state.index.upsert(id: seq, vector: vector)
                state.owners[seq] = owner
            }
            state.seenChange = max(state.seenChange, change)
        }
    }

    func remove(_ seqs: [Int64]) {
        state.withLock { state in
            for seq in seqs {
                _ = state.index.remove(id: seq)
                state.owners[seq] = nil
            }
        }
    }

    /// The nearest rows of `userID` (optionally only `allowed` ones) to `query`, best first.
    func nearest(_ query: [Float], k: Int, userID: String, allowed: Set<Int64>?) -> [VectorMatch] {
        state.withLock { state in
            guard query.count == state.index.dimension else { return [] }
            let filter: VectorFilter
            if let allowed {
                filter = .allowed(allowed)
            } else {
                let owners = state.owners
                filter = .predicate { owners[$0] == userID }
            }
            return (try? state.index.search(query, k: k, filter: filter)) ?? []
        }
    }

    var count: Int { state.withLock { $0.index.count } }
}
