// Release-speed measurements of the search primitives; built and run by tools/search-bench.sh,
// which compiles this file together with Sources/Search (so no `import Search` here).
import Foundation
import CKernels

struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Float { Float(Int64(bitPattern: next()) >> 40) / Float(1 << 23) }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// CPU time of this thread: single-threaded work measured this way is less disturbed by other
/// processes on a shared machine than wall time.
func cpuMilliseconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1e3 + Double(spec.tv_nsec) / 1e6
    }
    let start = now()
    body()
    return now() - start
}

let arguments = CommandLine.arguments
let rows = arguments.count > 1 ? Int(arguments[1])! : 100_000
let dimension = arguments.count > 2 ? Int(arguments[2])! : 384
let queries = 50

var random = Random(state: 1)
let centres = (0 ..< 1_000).map { _ in (0 ..< dimension).map { _ in random.unit() } }
var index = VectorIndex(dimension: dimension)
index.reserveCapacity(rows)
let load = try milliseconds {
    for id in 0 ..< rows {
        var vector = centres[Int(random.next() % UInt64(centres.count))]
        for i in 0 ..< dimension { vector[i] += 0.35 * random.unit() }
        try index.upsert(id: Int64(id), vector: vector)
    }
}
let queryVectors = (0 ..< queries).map { q in centres[q * 13 % centres.count].map { $0 + 0.35 * random.unit() } }

var exactTimes: [Double] = [], quantizedTimes: [Double] = [], filteredTimes: [Double] = []
var found = 0, total = 0
let even: @Sendable (Int64) -> Bool = { $0 % 2 == 0 }
for query in queryVectors {
    var exact: [VectorMatch] = [], approximate: [VectorMatch] = []
    exactTimes.append(try milliseconds { exact = try index.search(query, k: 10, options: .exact) })
    quantizedTimes.append(try milliseconds { approximate = try index.search(query, k: 10, options: .quantized) })
    filteredTimes.append(try milliseconds { _ = try index.search(query, k: 10, filter: .predicate(even)) })
    found += Set(exact.map(\.id)).intersection(approximate.map(\.id)).count
    total += exact.count
}

let facts = (try? String(contentsOfFile: "tools/eval/facts.jsonl", encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
let embedder = BuiltinEmbedder()
var embedTimes: [Double] = []
for _ in 0 ..< 5 { embedTimes.append(cpuMilliseconds { for fact in facts { _ = embedder.vector(for: fact) } }) }
var ftsTimes: [Double] = []
for _ in 0 ..< 5 { ftsTimes.append(cpuMilliseconds { for fact in facts { _ = TextNormalizer.ftsText(for: fact) } }) }

print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, AVX2+FMA kernels: \(mlk_vector_isa_avx2() == 1)")
print("index: \(rows) rows x \(dimension) dims, load \(Int(load)) ms (\(String(format: "%.1f", load * 1000 / Double(rows))) us/row)")
print(String(format: "search k=10 median of %d: exact %.2f ms, int8+rerank %.2f ms, default with predicate filter %.2f ms",
             queries, median(exactTimes), median(quantizedTimes), median(filteredTimes)))
print(String(format: "int8 recall@10 vs exact: %.4f", Double(found) / Double(max(1, total))))
if !facts.isEmpty {
    print(String(format: "built-in embedder: %.1f us/text, ftsText: %.1f us/text (thread CPU time, median of 5 passes over %d facts)",
                 median(embedTimes) * 1000 / Double(facts.count), median(ftsTimes) * 1000 / Double(facts.count), facts.count))
}
