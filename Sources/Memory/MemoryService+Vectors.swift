import Crypto
import Ledger
import Search
import SQLite

extension MemoryService {
    /// The vector of `content`: from the embedding cache, else from the embedder; nil when the embedder
    /// is unavailable (the memory then waits in `pending_vectors` for the background worker).
    func embedding(for content: String) async -> [[Float]]? {
        let digest = SHA256.hash(content)
        let model = embedder.model
        if let cached = try? ledger.read({ db in try Self.cachedWindows(content: content, digest: digest, model: model, in: db) }) {
            return cached
        }
        do {
            return try await embedder.embedDocuments([content]).first
        } catch {
            embedderFailures.add(1, ordering: .relaxed)
            return nil
        }
    }

    /// Records `content`'s vector for row `seq` in the current write, or marks the row as waiting for one.
    static func storeVector(_ vector: [[Float]]?, seq: Int64, content: String, model: String, in db: Connection) throws {
        guard let vector, let first = vector.first, !first.isEmpty, vector.allSatisfy({ $0.count == first.count }) else {
            try db.run("DELETE FROM memory_vectors WHERE seq = ?", .integer(seq))
            try db.run("INSERT OR IGNORE INTO pending_vectors (seq) VALUES (?)", .integer(seq))
            return
        }
        try db.run("UPDATE projection_checkpoints SET position = position + 1 WHERE name = 'vectors'")
        let change = try db.scalarInt("SELECT position FROM projection_checkpoints WHERE name = 'vectors'") ?? 0
        let blob = VectorCodec.encode(windows: vector)
        try db.run(
            "INSERT OR REPLACE INTO memory_vectors (seq, model, dims, vector, change) VALUES (?, ?, ?, ?, ?)", .integer(seq),
            .text(model), .int(first.count), .blob(blob), .integer(change))
        try db.run(
            "INSERT OR IGNORE INTO embedding_cache (model, content_digest, vector) VALUES (?, ?, ?)", .text(model),
            .blob(SHA256.hash(content)), .blob(VectorCodec.dimensionHeader(first.count) + blob))
        try db.run("DELETE FROM pending_vectors WHERE seq = ?", .integer(seq))
    }

    /// Gives memory `id` the cached vector of `content`, or queues it for the worker (restore and
    /// revert bring back content whose vector is usually cached).
    static func storeCachedVector(for id: String, content: String, model: String, in db: Connection) throws {
        guard let seq = try seq(of: id, in: db) else { return }
        let cached = try cachedWindows(content: content, digest: SHA256.hash(content), model: model, in: db)
        try storeVector(cached, seq: seq, content: content, model: model, in: db)
    }

    /// The cached windows of `content` (a cache entry is its window dimension, then the windows).
    static func cachedWindows(content: String, digest: [UInt8], model: String, in db: Connection) throws -> [[Float]]? {
        try db.first("SELECT vector FROM embedding_cache WHERE model = ? AND content_digest = ?", [.text(model), .blob(digest)]) { row in
            row.withBlob(0) { bytes -> [[Float]]? in
                guard bytes.count >= 4 else { return nil }
                let dimension = Int(Int32(littleEndian: bytes.loadUnaligned(as: Int32.self)))
                let windows = VectorCodec.decode(windows: UnsafeRawBufferPointer(rebasing: bytes[4...]), dimension: dimension)
                return windows.isEmpty ? nil : windows
            }
        } ?? nil
    }

    /// The row key of live memory `id`, read in a write.
    static func seq(of id: String, in db: Connection) throws -> Int64? {
        try db.scalarInt("SELECT seq FROM memories WHERE id = ?", [.text(id)])
    }

    /// How many live memories still wait for their vector.
    public func pendingVectorCount() throws -> Int {
        Int(try ledger.read { db in try db.scalarInt("SELECT count(*) FROM pending_vectors") } ?? 0)
    }

    /// Computes vectors for up to `limit` waiting memories, cache first.
    /// - Returns: how many were filled.
    /// - Throws: the embedder's error when it is still unavailable.
    @discardableResult
    public func fillPendingVectors(limit: Int = 64) async throws -> Int {
        let model = embedder.model
        let waiting = try ledger.read { db in
            try db.query(
                "SELECT p.seq, m.content FROM pending_vectors p JOIN memories m ON m.seq = p.seq WHERE m.content IS NOT NULL LIMIT ?",
                [.int(limit)]
            ) { ($0.int64(0), $0.string(1)) }
        }
        guard !waiting.isEmpty else { return 0 }
        var vectors: [Int64: [[Float]]] = [:]
        var missing: [(Int64, String)] = []
        try ledger.read { db in
            for (seq, content) in waiting {
                if let cached = try Self.cachedWindows(content: content, digest: SHA256.hash(content), model: model, in: db) {
                    vectors[seq] = cached
                } else {
                    missing.append((seq, content))
                }
            }
        }
        if !missing.isEmpty {
            do {
                let embedded = try await embedder.embedDocuments(missing.map(\.1))
                for ((seq, _), vector) in zip(missing, embedded) { vectors[seq] = vector }
            } catch {
                embedderFailures.add(1, ordering: .relaxed)
                if vectors.isEmpty { throw error }
            }
        }
        let contents = Dictionary(uniqueKeysWithValues: waiting)
        let found = vectors
        try await ledger.write { tx in
            for (seq, vector) in found {
                // The memory may have changed or gone meanwhile: only fill rows still waiting with that content.
                guard let current = try tx.db.first(
                    "SELECT m.content FROM pending_vectors p JOIN memories m ON m.seq = p.seq WHERE p.seq = ?", [.integer(seq)],
                    { $0.optionalString(0) }) ?? nil, current == contents[seq]
                else { continue }
                try Self.storeVector(vector, seq: seq, content: current, model: model, in: tx.db)
            }
        }
        return found.count
    }

    /// Fills waiting vectors until cancelled, backing off (1 s doubling to 60 s) while the embedder is down.
    public func runVectorWorker(idleInterval: Duration = .seconds(2)) async {
        var backoff: Duration = .seconds(1)
        while !Task.isCancelled {
            do {
                let filled = try await fillPendingVectors()
                backoff = .seconds(1)
                if filled == 0 { try await Task.sleep(for: idleInterval) }
            } catch is CancellationError {
                return
            } catch {
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(60))
            }
        }
    }

    /// Rebuilds the vector projection with the configured embedder: cache first, embedder for the rest.
    /// Memories and their history are untouched.
    /// - Returns: how many memories got a vector.
    @discardableResult
    public func reindex(progress: ((Int) -> Void)? = nil) async throws -> Int {
        try await ledger.write { tx in
            try tx.db.execute(
                """
                DELETE FROM memory_vectors;
                INSERT OR IGNORE INTO pending_vectors (seq) SELECT seq FROM memories WHERE content IS NOT NULL;
                UPDATE projection_checkpoints SET position = position + 1 WHERE name = 'vectors';
                """)
        }
        var total = 0
        while true {
            let filled = try await fillPendingVectors(limit: 256)
            if filled == 0 { break }
            total += filled
            progress?(total)
        }
        return total
    }
}
