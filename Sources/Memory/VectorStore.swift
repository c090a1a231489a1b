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
    /// From this many vectors on, a user's index keeps only its int8 rows (a quarter of the memory) and a
    /// search re-ranks the best candidates of the int8 scan against the exact vectors in `memory_vectors`.
    let compactFrom: Int
    private let state: Mutex<State>

    init(model: String, dimension: Int, compactFrom: Int) {
        self.model = model
        self.compactFrom = compactFrom
        self.state = Mutex(State(dimension: dimension))
    }

    /// Candidates of the int8 scan re-ranked exactly, per wanted result.
    static let oversample = 4

    /// Loads vector rows written since the last look, one row at a time (a first load of a large store
    /// never holds its float vectors in memory all at once).
    func catchUp(_ db: Connection) throws {
        let change = try db.scalarInt("SELECT position FROM projection_checkpoints WHERE name = 'vectors'") ?? 0
        let seen = state.withLock { $0.seenChange }
        guard change != seen else { return }
        try state.withLock { state in
            try db.forEach(
                """
                SELECT v.seq, v.vector, m.user_id, v.dims FROM memory_vectors v JOIN memories m ON m.seq = v.seq
                WHERE v.change > ? AND v.model = ?
                """, [.integer(seen), .text(model)]
            ) { row in
                let (seq, owner, dims) = (row.int64(0), row.string(2), row.int(3))
                let windows = row.withBlob(1) { VectorCodec.decode(windows: $0, dimension: dims) }
                if let first = windows.first, state.indexes.isEmpty { state.dimension = first.count }
                Self.removeWindows(of: seq, from: &state)
                let dimension = state.dimension
                for (w, vector) in windows.prefix(256).enumerated() where vector.count == dimension {
                    try? state.indexes[owner, default: VectorIndex(dimension: dimension)].upsert(id: seq << 8 | Int64(w), vector: vector)
                }
                state.windows[seq] = min(windows.count, 256)
                state.owners[seq] = owner
                // Compact as soon as the index is large enough, so a first load never holds every float row.
                if state.indexes[owner]?.keepsFullVectors == true, (state.indexes[owner]?.count ?? 0) >= compactFrom {
                    state.indexes[owner]?.dropFullVectors()
                }
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
    /// with several windows scores by its best window. A compact index is scanned under the lock and its
    /// candidates re-ranked after it, from the exact vectors `db` holds.
    func nearest(_ query: [Float], k: Int, userID: String, allowed: Set<Int64>?, in db: Connection) throws -> [VectorMatch] {
        let scan: (matches: [VectorMatch], exact: Bool) = state.withLock { state in
            guard let index = state.indexes[userID], query.count == index.dimension else { return ([], true) }
            let filter: VectorFilter =
                allowed.map { allowed in .allowed(Set(allowed.flatMap { seq in (0..<(state.windows[seq] ?? 0)).map { seq << 8 | Int64($0) } })) } ?? .none
            if index.keepsFullVectors {
                return ((try? index.search(query, k: k * 2, filter: filter)) ?? [], true)
            }
            return ((try? index.candidates(query, count: k * 2 * Self.oversample, filter: filter)) ?? [], false)
        }
        let windows = scan.exact ? scan.matches : try rerank(scan.matches, query: query, in: db)
        var best: [VectorMatch] = []
        var seen = Set<Int64>()
        for match in windows where seen.insert(match.id >> 8).inserted {
            best.append(VectorMatch(id: match.id >> 8, score: match.score))
            if best.count == k { break }
        }
        return best
    }

    /// Exact cosines of window candidates (ids `seq << 8 | window`), best first (ties by id), from the
    /// stored vectors; a candidate whose row is gone is left out.
    private func rerank(_ candidates: [VectorMatch], query: [Float], in db: Connection) throws -> [VectorMatch] {
        // An empty index of the query's dimension scores like the user's full one would, without holding it
        // (a held copy would make the next write copy every int8 row).
        let scorer = VectorIndex(dimension: query.count)
        var rescored: [VectorMatch] = []
        rescored.reserveCapacity(candidates.count)
        var stored: [Int64: [[Float]]] = [:]
        for candidate in candidates {
            let seq = candidate.id >> 8, window = Int(candidate.id & 0xFF)
            if stored[seq] == nil {
                stored[seq] = try db.first(
                    "SELECT vector, dims FROM memory_vectors WHERE seq = ? AND model = ?", [.integer(seq), .text(model)]
                ) { row in row.withBlob(0) { VectorCodec.decode(windows: $0, dimension: row.int(1)) } } ?? []
            }
            guard let rows = stored[seq], window < rows.count, let score = scorer.cosine(query, rows[window]) else { continue }
            rescored.append(VectorMatch(id: candidate.id, score: score))
        }
        return rescored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    var count: Int { state.withLock { $0.indexes.values.reduce(0) { $0 + $1.count } } }
}
