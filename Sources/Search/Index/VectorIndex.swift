import CKernels

/// An in-memory index of fixed-dimension vectors with exact cosine top-k search.
///
/// Vectors live in one contiguous row-major `[Float]`, so a search is a straight scan through
/// memory by a SIMD kernel (AVX2+FMA when the CPU has it). Each row is also kept as int8 with a
/// per-vector scale: above `SearchOptions.quantizedThreshold` rows, a search scans those (a
/// quarter of the bytes) for `k × oversample` candidates and re-ranks them exactly.
///
/// A compact index (`dropFullVectors()`) keeps only the int8 rows, a quarter of the memory: its
/// `candidates` are approximate and the caller re-ranks them against exact vectors it keeps
/// elsewhere (the memory store reads them from its `memory_vectors` table).
///
/// Rows are identified by the caller's `Int64` ids; removal moves the last row into the hole
/// (swap-remove), so slots are dense and row order is an implementation detail. Stored vectors
/// and queries are L2-normalised, so the score is the cosine similarity whatever the embedder
/// returned. It is a value type: copies share storage until written, and a copy may be searched
/// from any thread while the original is updated.
public struct VectorIndex: Sendable {
    /// Components per vector.
    public let dimension: Int

    /// Row-major vectors, `count × dimension`; empty once the index is compact.
    var vectors: [Float] = []
    /// False once `dropFullVectors()` made the index compact.
    public private(set) var keepsFullVectors = true
    /// The same rows quantised to int8, `count × dimension`.
    var quantized: [Int8] = []
    /// Per-row scale of `quantized`.
    var scales: [Float] = []
    /// The id of each row.
    var rowIDs: [Int64] = []
    /// The row of each id.
    var slotByID: [Int64: Int32] = [:]

    /// - Precondition: `dimension > 0`.
    public init(dimension: Int) {
        precondition(dimension > 0, "a vector index needs a positive dimension")
        self.dimension = dimension
    }

    /// The number of vectors.
    public var count: Int { rowIDs.count }
    public var isEmpty: Bool { rowIDs.isEmpty }
    /// The ids in the index, in row order.
    public var ids: [Int64] { rowIDs }

    public func contains(_ id: Int64) -> Bool { slotByID[id] != nil }

    /// The stored (normalised) vector of `id`; nil for an unknown id or a compact index.
    public func vector(for id: Int64) -> [Float]? {
        guard keepsFullVectors, let slot = slotByID[id] else { return nil }
        let start = Int(slot) * dimension
        return Array(vectors[start ..< start + dimension])
    }

    /// Makes room for `rows` vectors in total, avoiding reallocation while loading.
    public mutating func reserveCapacity(_ rows: Int) {
        if keepsFullVectors { vectors.reserveCapacity(rows * dimension) }
        quantized.reserveCapacity(rows * dimension)
        scales.reserveCapacity(rows)
        rowIDs.reserveCapacity(rows)
        slotByID.reserveCapacity(rows)
    }

    /// Stores `vector` under `id`, replacing any previous vector of that id.
    ///
    /// The vector is L2-normalised first; an all-zero vector is kept as is and scores 0.
    /// - Throws: `VectorIndexError` for a wrong dimension or a non-finite component.
    public mutating func upsert(id: Int64, vector: [Float]) throws(VectorIndexError) {
        let normalised = try normalise(vector)
        var rowScale: Float = 0
        let row = [Int8](unsafeUninitializedCapacity: dimension) { buffer, initialized in
            rowScale = mlk_quantize_i8(normalised, dimension, buffer.baseAddress)
            initialized = dimension
        }
        if let slot = slotByID[id] {
            let start = Int(slot) * dimension
            if keepsFullVectors { vectors.replaceSubrange(start ..< start + dimension, with: normalised) }
            quantized.replaceSubrange(start ..< start + dimension, with: row)
            scales[Int(slot)] = rowScale
        } else {
            precondition(rowIDs.count < Int(Int32.max), "a vector index holds at most 2^31 - 1 rows")
            slotByID[id] = Int32(rowIDs.count)
            rowIDs.append(id)
            if keepsFullVectors { vectors += normalised }
            quantized += row
            scales.append(rowScale)
        }
    }

    /// Removes the vector of `id`; returns whether there was one.
    @discardableResult
    public mutating func remove(id: Int64) -> Bool {
        guard let slot = slotByID.removeValue(forKey: id).map(Int.init) else { return false }
        let last = rowIDs.count - 1
        if slot != last {
            let from = last * dimension, to = slot * dimension
            if keepsFullVectors {
                vectors.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: to).update(from: $0.baseAddress! + from, count: dimension) }
            }
            quantized.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: to).update(from: $0.baseAddress! + from, count: dimension) }
            scales[slot] = scales[last]
            rowIDs[slot] = rowIDs[last]
            slotByID[rowIDs[slot]] = Int32(slot)
        }
        if keepsFullVectors { vectors.removeLast(dimension) }
        quantized.removeLast(dimension)
        scales.removeLast()
        rowIDs.removeLast()
        return true
    }

    /// Removes every vector, keeping the dimension.
    public mutating func removeAll() {
        vectors.removeAll()
        quantized.removeAll()
        scales.removeAll()
        rowIDs.removeAll()
        slotByID.removeAll()
    }

    /// Frees the full-precision rows, keeping the int8 ones: from now on the index is compact, and
    /// searching it means `candidates` plus an exact re-rank by the caller.
    public mutating func dropFullVectors() {
        keepsFullVectors = false
        vectors = []
    }

    /// The cosine similarity of `vector` with `query`, computed exactly as a full index scores a stored
    /// row (both normalised the same way, the same dot-product kernel), so re-ranked candidates order
    /// like a full scan, ties included. Nil for a wrong dimension or a non-finite component.
    public func cosine(_ query: [Float], _ vector: [Float]) -> Float? {
        guard let query = try? normalise(query), let row = try? normalise(vector) else { return nil }
        return mlk_dot_f32(query, row, dimension)
    }

    /// A unit-length copy of `vector`, checked against the index's dimension.
    func normalise(_ vector: [Float]) throws(VectorIndexError) -> [Float] {
        guard vector.count == dimension else { throw .dimensionMismatch(expected: dimension, actual: vector.count) }
        var status: Int32 = 0
        let unit = [Float](unsafeUninitializedCapacity: dimension) { buffer, initialized in
            status = mlk_normalize_f32(vector, dimension, buffer.baseAddress)
            if status != 0 { buffer.initialize(repeating: 0) }
            initialized = dimension
        }
        guard status == 0 else { throw .nonFiniteComponent }
        return unit
    }
}
