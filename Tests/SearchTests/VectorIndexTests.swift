import CKernels
import Testing
@testable import Search

@Suite struct VectorIndexTests {
    /// The reference: normalise everything and sort every dot product (ties by id), best first.
    static func bruteForce(_ rows: [Int64: [Float]], query: [Float], k: Int, include: (Int64) -> Bool = { _ in true }) -> [VectorMatch] {
        Array(ranking(rows, query: query, include: include).prefix(k))
    }

    static func ranking(_ rows: [Int64: [Float]], query: [Float], include: (Int64) -> Bool = { _ in true }) -> [VectorMatch] {
        func unit(_ v: [Float]) -> [Float] {
            var squares: Float = 0
            for x in v { squares += x * x }
            let norm = squares.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
        let q = unit(query)
        var matches: [VectorMatch] = []
        for (id, vector) in rows where include(id) {
            let v = unit(vector)
            var dot: Float = 0
            for i in 0 ..< q.count { dot += v[i] * q[i] }
            matches.append(VectorMatch(id: id, score: dot))
        }
        return matches.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    static func expectSame(_ actual: [VectorMatch], _ expected: [VectorMatch], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.map(\.id) == expected.map(\.id), sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            #expect(abs(a.score - e.score) < 1e-4, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [7, 64, 384])
    func exactTopKEqualsBruteForce(dimension: Int) throws {
        var random = SeededRandom(seed: UInt64(dimension))
        var index = VectorIndex(dimension: dimension)
        var rows: [Int64: [Float]] = [:]
        for _ in 0 ..< 1_000 {
            let id = Int64.random(in: -1_000_000 ... 1_000_000, using: &random)
            let vector = random.vector(dimension).map { $0 * 3 } // not normalised on purpose
            try index.upsert(id: id, vector: vector)
            rows[id] = vector
        }
        #expect(index.count == rows.count)
        for _ in 0 ..< 3 {
            let query = random.vector(dimension)
            let expected = Self.ranking(rows, query: query)
            for k in [1, 10, 50, 2_000] {
                Self.expectSame(try index.search(query, k: k, options: .exact), Array(expected.prefix(k)))
            }
        }
    }

    @Test func upsertAndRemoveMatchAModel() throws {
        var random = SeededRandom(seed: 42)
        var index = VectorIndex(dimension: 16)
        var rows: [Int64: [Float]] = [:]
        for step in 0 ..< 3_000 {
            let id = Int64.random(in: 0 ..< 400, using: &random)
            if step % 3 == 0 {
                #expect(index.remove(id: id) == (rows.removeValue(forKey: id) != nil))
            } else {
                let vector = random.vector(16)
                try index.upsert(id: id, vector: vector)
                rows[id] = vector
            }
        }
        #expect(index.count == rows.count)
        #expect(Set(index.ids) == Set(rows.keys))
        for (id, vector) in rows {
            let stored = try #require(index.vector(for: id))
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(zip(stored, vector).allSatisfy { abs($0 - $1 / norm) < 1e-5 })
        }
        let query = random.vector(16)
        Self.expectSame(try index.search(query, k: 20), Self.bruteForce(rows, query: query, k: 20))
        Self.expectSame(try index.search(query, k: 20, options: .quantized), Self.bruteForce(rows, query: query, k: 20))
        index.removeAll()
        #expect(try index.search(query, k: 5).isEmpty)
    }

    @Test func filtersRestrictResults() throws {
        var random = SeededRandom(seed: 7)
        var index = VectorIndex(dimension: 32)
        var rows: [Int64: [Float]] = [:]
        for id in Int64(1) ... 2_000 {
            let vector = random.vector(32)
            try index.upsert(id: id, vector: vector)
            rows[id] = vector
        }
        let query = random.vector(32)
        let small: Set<Int64> = [3, 99, 500, 1_999, 5_000_000]
        Self.expectSame(try index.search(query, k: 10, filter: .allowed(small)), Self.bruteForce(rows, query: query, k: 10) { small.contains($0) })
        #expect(try index.search(query, k: 10, filter: .allowed(small)).count == 4)
        let large = Set(Int64(1) ... 1_500)
        Self.expectSame(try index.search(query, k: 10, filter: .allowed(large)), Self.bruteForce(rows, query: query, k: 10) { large.contains($0) })
        let even: @Sendable (Int64) -> Bool = { $0 % 2 == 0 }
        Self.expectSame(try index.search(query, k: 10, filter: .predicate(even)), Self.bruteForce(rows, query: query, k: 10, include: even))
        Self.expectSame(try index.search(query, k: 10, filter: .predicate(even), options: .quantized),
                        Self.bruteForce(rows, query: query, k: 10, include: even))
        #expect(try index.search(query, k: 10, filter: .predicate { _ in false }).isEmpty)
    }

    @Test func rejectsBadVectorsAndHandlesZero() throws {
        var index = VectorIndex(dimension: 4)
        #expect(throws: VectorIndexError.dimensionMismatch(expected: 4, actual: 3)) { try index.upsert(id: 1, vector: [1, 2, 3]) }
        #expect(throws: VectorIndexError.nonFiniteComponent) { try index.upsert(id: 1, vector: [1, .nan, 0, 0]) }
        #expect(throws: VectorIndexError.dimensionMismatch(expected: 4, actual: 5)) { try index.search([1, 0, 0, 0, 0], k: 1) }
        try index.upsert(id: 1, vector: [0, 0, 0, 0])
        try index.upsert(id: 2, vector: [1e30, 1e30, 0, 0]) // would overflow a naive sum of squares
        let results = try index.search([1, 1, 0, 0], k: 5)
        #expect(results.map(\.id) == [2, 1])
        #expect(abs(results[0].score - 1) < 1e-5 && results[1].score == 0)
        #expect(try index.search([1, 1, 0, 0], k: 0).isEmpty)
        #expect(try index.search([1, 1, 0, 0], k: .max, options: .quantized).map(\.id) == [2, 1])
    }

    @Test func equalScoresAreOrderedById() throws {
        var index = VectorIndex(dimension: 3)
        for id: Int64 in [9, 4, 7, 1] { try index.upsert(id: id, vector: [1, 0, 0]) }
        #expect(try index.search([1, 0, 0], k: 3).map(\.id) == [1, 4, 7])
    }

    /// Clustered data like real embeddings: many near neighbours, so ranking depends on small differences.
    @Test func quantizedRecallAtTenOnThirtyThousandVectors() throws {
        let dimension = 256, rowCount = 30_000, clusters = 300
        var random = SeededRandom(seed: 2_024)
        let centres = (0 ..< clusters).map { _ in random.vector(dimension) }
        // A table of noise read at random offsets: far cheaper in a debug build than a fresh
        // random number per component, and still every row differs.
        let noise = (0 ..< 65_536).map { _ in 0.35 * random.signedUnit() }
        var index = VectorIndex(dimension: dimension)
        index.reserveCapacity(rowCount)
        var vector = [Float](repeating: 0, count: dimension)
        for id in 0 ..< rowCount {
            let centre = centres[Int(random.next() % UInt64(clusters))]
            let offset = Int(random.next() % UInt64(noise.count - dimension))
            centre.withUnsafeBufferPointer { centre in
                noise.withUnsafeBufferPointer { noise in
                    vector.withUnsafeMutableBufferPointer { vector in
                        for i in 0 ..< dimension { vector[i] = centre[i] + noise[offset + i] }
                    }
                }
            }
            try index.upsert(id: Int64(id), vector: vector)
        }
        var found = 0, total = 0
        for q in 0 ..< 25 {
            var query = centres[q * 7 % clusters]
            for i in 0 ..< dimension { query[i] += 0.35 * random.signedUnit() }
            let exact = try index.search(query, k: 10, options: .exact)
            let approximate = try index.search(query, k: 10) // 30k rows: the int8 path by default
            #expect(approximate == (try index.search(query, k: 10, options: .quantized)))
            found += Set(exact.map(\.id)).intersection(approximate.map(\.id)).count
            total += exact.count
        }
        let recall = Double(found) / Double(total)
        #expect(recall >= 0.99, "recall@10 = \(recall)")
    }

    @Test func simdKernelsAgreeWithPortableOnes() {
        var random = SeededRandom(seed: 99)
        for n in [1, 7, 8, 31, 32, 33, 100, 384] {
            let a = random.vector(n), b = random.vector(n)
            let fast = mlk_dot_f32(a, b, n), portable = mlk_dot_f32_portable(a, b, n)
            #expect(abs(fast - portable) < 1e-4)

            let rows = 5
            let matrix = (0 ..< rows * n).map { _ in Int8(truncatingIfNeeded: Int(random.next() % 255) - 127) }
            let query = (0 ..< n).map { _ in Int8(truncatingIfNeeded: Int(random.next() % 255) - 127) }
            let scales = (0 ..< rows).map { _ in Float(random.next() % 100) / 1000 }
            var fastOut = [Float](repeating: 0, count: rows), portableOut = fastOut
            mlk_dot_rows_i8(matrix, scales, rows, n, query, 0.5, &fastOut)
            mlk_dot_rows_i8_portable(matrix, scales, rows, n, query, 0.5, &portableOut)
            #expect(fastOut == portableOut)
            for r in 0 ..< rows {
                let exact = (0 ..< n).reduce(Int32(0)) { $0 + Int32(matrix[r * n + $1]) * Int32(query[$1]) }
                #expect(portableOut[r] == Float(exact) * scales[r] * 0.5)
            }
        }
    }

    @Test func topKSkipsExcludedAndSorts() {
        let scores: [Float] = [0.5, -.infinity, 0.9, .nan, 0.5, 0.1]
        let ids: [Int64] = [10, 11, 12, 13, 5, 14]
        #expect(VectorIndex.topK(scores, ids: ids, k: 3) == [2, 4, 0])
        #expect(VectorIndex.topK(scores, ids: ids, k: 10) == [2, 4, 0, 5])
    }
}
