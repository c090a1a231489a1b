import CKernels
import Dispatch
import Foundation

extension VectorIndex {
    /// Tuning of `search`; the defaults suit embeddings of a few hundred dimensions on a small machine.
    public struct SearchOptions: Sendable {
        /// From this many rows on, candidates come from the int8 scan and are re-ranked exactly.
        public var quantizedThreshold: Int
        /// Candidates kept from the int8 scan per requested result.
        public var oversample: Int
        /// Rows per parallel chunk: smaller scans stay on the calling thread.
        public var rowsPerChunk: Int

        public init(quantizedThreshold: Int = 20_000, oversample: Int = 8, rowsPerChunk: Int = 8_192) {
            self.quantizedThreshold = quantizedThreshold
            self.oversample = max(1, oversample)
            self.rowsPerChunk = max(1, rowsPerChunk)
        }

        public static let `default` = SearchOptions()
        /// Always scans the float vectors: exact at any size.
        public static let exact = SearchOptions(quantizedThreshold: .max)
        /// Always takes candidates from the int8 scan (for tests and benchmarks).
        public static let quantized = SearchOptions(quantizedThreshold: 0)
    }

    /// The `k` rows most similar to `query` that pass `filter`, best first.
    ///
    /// Scores are cosine similarities (stored rows and the query are normalised); equal scores
    /// are ordered by id, so results do not depend on row order. Large scans are split across
    /// the machine's cores with `DispatchQueue.concurrentPerform`, which blocks the calling
    /// thread until all chunks finish. That is fine even on Swift's cooperative pool: the wait
    /// is pure computation of a few milliseconds on Dispatch's own worker threads (the caller
    /// takes a chunk too), never I/O or a lock that another task would have to release, so it
    /// cannot deadlock and holds a pool thread no longer than doing the scan alone would.
    ///
    /// A compact index has no exact rows to re-rank with: it answers with `candidates(…)` cut to `k`.
    ///
    /// - Throws: `VectorIndexError` when the query's dimension differs or it is not finite.
    public func search(
        _ query: [Float], k: Int, filter: VectorFilter = .none, options: SearchOptions = .default
    ) throws(VectorIndexError) -> [VectorMatch] {
        guard keepsFullVectors else { return try candidates(query, count: k, filter: filter, options: options) }
        let query = try normalise(query)
        guard k > 0, !rowIDs.isEmpty else { return [] }
        let k = min(k, rowIDs.count)

        if case .allowed(let allowed) = filter, allowed.count * 2 < rowIDs.count {
            let slots = allowed.compactMap { slotByID[$0] }
            return exactRerank(query, slots: slots, k: k)
        }

        let (product, overflow) = k.multipliedReportingOverflow(by: options.oversample)
        let candidates = overflow ? rowIDs.count : min(rowIDs.count, product)
        let useQuantized = rowIDs.count >= options.quantizedThreshold && candidates > k
        var scores = useQuantized ? quantizedScores(query, options: options) : exactScores(query, options: options)
        applyFilter(filter, to: &scores)
        if !useQuantized {
            return Self.topK(scores, ids: rowIDs, k: k).map { VectorMatch(id: rowIDs[Int($0)], score: scores[Int($0)]) }
        }
        return exactRerank(query, slots: Self.topK(scores, ids: rowIDs, k: candidates), k: k)
    }

    /// The `count` rows of the int8 scan scoring best against `query` that pass `filter`, best first,
    /// with their approximate scores: what a caller holding the exact vectors re-ranks.
    ///
    /// - Throws: `VectorIndexError` when the query's dimension differs or it is not finite.
    public func candidates(
        _ query: [Float], count: Int, filter: VectorFilter = .none, options: SearchOptions = .default
    ) throws(VectorIndexError) -> [VectorMatch] {
        let query = try normalise(query)
        guard count > 0, !rowIDs.isEmpty else { return [] }
        var scores = quantizedScores(query, options: options)
        applyFilter(filter, to: &scores)
        return Self.topK(scores, ids: rowIDs, k: min(count, rowIDs.count)).map { VectorMatch(id: rowIDs[Int($0)], score: scores[Int($0)]) }
    }

    // MARK: - Scans

    private func exactScores(_ query: [Float], options: SearchOptions) -> [Float] {
        let dimension = dimension
        return vectors.withUnsafeBufferPointer { matrix in
            query.withUnsafeBufferPointer { query in
                scan(rows: rowIDs.count, options: options) { range, out in
                    mlk_dot_rows_f32(matrix.baseAddress! + range.lowerBound * dimension, range.count, dimension,
                                     query.baseAddress, out)
                }
            }
        }
    }

    private func quantizedScores(_ query: [Float], options: SearchOptions) -> [Float] {
        let dimension = dimension
        var quantizedQuery = [Int8](repeating: 0, count: dimension)
        let queryScale = query.withUnsafeBufferPointer { source in
            quantizedQuery.withUnsafeMutableBufferPointer { mlk_quantize_i8(source.baseAddress, dimension, $0.baseAddress) }
        }
        return quantized.withUnsafeBufferPointer { matrix in
            scales.withUnsafeBufferPointer { scales in
                quantizedQuery.withUnsafeBufferPointer { query in
                    scan(rows: rowIDs.count, options: options) { range, out in
                        mlk_dot_rows_i8(matrix.baseAddress! + range.lowerBound * dimension, scales.baseAddress! + range.lowerBound,
                                        range.count, dimension, query.baseAddress, queryScale, out)
                    }
                }
            }
        }
    }

    /// Runs `kernel` over `rows` rows in chunks, in parallel when there are several, and
    /// returns the score of every row. `kernel` gets a row range and where to write its scores.
    private func scan(rows: Int, options: SearchOptions, kernel: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        let chunks = min(ProcessInfo.processInfo.activeProcessorCount, max(1, rows / options.rowsPerChunk))
        return [Float](unsafeUninitializedCapacity: rows) { buffer, initialized in
            let out = buffer.baseAddress!
            if chunks <= 1 {
                kernel(0 ..< rows, out)
            } else {
                let perChunk = (rows + chunks - 1) / chunks
                withoutActuallyEscaping(kernel) { kernel in
                    let work = ChunkedScan(kernel: kernel, out: out)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let range = chunk * perChunk ..< min(rows, (chunk + 1) * perChunk)
                        if !range.isEmpty { work.kernel(range, work.out + range.lowerBound) }
                    }
                }
            }
            initialized = rows
        }
    }

    private func applyFilter(_ filter: VectorFilter, to scores: inout [Float]) {
        switch filter {
        case .none:
            return
        case .allowed(let allowed):
            for slot in rowIDs.indices where !allowed.contains(rowIDs[slot]) { scores[slot] = -.infinity }
        case .predicate(let isIncluded):
            for slot in rowIDs.indices where !isIncluded(rowIDs[slot]) { scores[slot] = -.infinity }
        }
    }

    /// Scores the rows in `slots` exactly and returns the best `k`.
    private func exactRerank(_ query: [Float], slots: [Int32], k: Int) -> [VectorMatch] {
        guard !slots.isEmpty else { return [] }
        let dimension = dimension
        let scores = [Float](unsafeUninitializedCapacity: slots.count) { buffer, initialized in
            vectors.withUnsafeBufferPointer { matrix in
                query.withUnsafeBufferPointer { query in
                    slots.withUnsafeBufferPointer { slots in
                        mlk_dot_gather_f32(matrix.baseAddress, dimension, slots.baseAddress, slots.count, query.baseAddress,
                                           buffer.baseAddress)
                    }
                }
            }
            initialized = slots.count
        }
        let ids = slots.map { rowIDs[Int($0)] }
        return Self.topK(scores, ids: ids, k: k).map { VectorMatch(id: ids[Int($0)], score: scores[Int($0)]) }
    }

    /// Indices of the best `k` scores (ties by smaller id), skipping `-infinity`.
    static func topK(_ scores: [Float], ids: [Int64], k: Int) -> [Int32] {
        let k = min(k, scores.count)
        guard k > 0 else { return [] }
        var best = [Int32](repeating: 0, count: k)
        let found = scores.withUnsafeBufferPointer { scores in
            ids.withUnsafeBufferPointer { ids in
                best.withUnsafeMutableBufferPointer { mlk_top_k(scores.baseAddress, ids.baseAddress, scores.count, k, $0.baseAddress) }
            }
        }
        return Array(best.prefix(found))
    }
}

/// Carries one scan into `concurrentPerform`'s `@Sendable` closure.
///
/// `@unchecked` is safe here: `concurrentPerform` returns only after every iteration has
/// finished, so the kernel and the buffers it reads outlive all uses, the kernel only reads
/// shared memory, and each iteration writes a disjoint range of `out`.
private struct ChunkedScan: @unchecked Sendable {
    let kernel: (Range<Int>, UnsafeMutablePointer<Float>) -> Void
    let out: UnsafeMutablePointer<Float>
}
