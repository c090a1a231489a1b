import Foundation
import Memory
import Search
import Server

/// `memledger-bench search`: search latency and resident memory as the corpus grows.
///
/// The corpus is the evaluation facts plus generated memory-style sentences up to each size; the
/// queries are the evaluation questions. Latency is the whole `MemoryService.search` call: query
/// embedding, index catch-up, full-text and vector candidates, fusion and reading the rows.
struct SearchBenchmark {
    static let help = """
        usage: memledger-bench search [--sizes 10000,100000] [--rounds 3] [--embedder builtin|minilm] [--model-dir DIR] [--json]

        Search p50/p95 per mode at each corpus size, and the process's resident memory after loading it.
        """

    let sizes: [Int]
    let rounds: Int
    let settings: EmbedderSettings
    let json: Bool

    init(_ words: [String]) throws(BenchUsageError) {
        let args = try BenchArguments(words, valued: ["sizes", "rounds", "embedder", "model-dir"], switches: ["json"])
        sizes = (args.options["sizes"] ?? "10000,100000").split(separator: ",").compactMap { Int($0) }.sorted()
        guard !sizes.isEmpty else { throw BenchUsageError("--sizes takes a comma-separated list of counts") }
        rounds = Int(args.options["rounds"] ?? "3") ?? 3
        guard let kind = EmbedderSettings.Kind(rawValue: args.options["embedder"] ?? "builtin") else {
            throw BenchUsageError("--embedder is builtin or minilm")
        }
        settings = EmbedderSettings(kind: kind, modelDirectory: args.options["model-dir"] ?? "models/all-MiniLM-L6-v2")
        json = args.has("json")
    }

    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }

    func run() async throws -> BenchExitCode {
        let facts = try EvalBenchmark.lines("tools/eval/facts.jsonl", as: EvalBenchmark.Fact.self).map(\.text)
        let questions = try EvalBenchmark.lines("tools/eval/questions.jsonl", as: EvalBenchmark.Question.self).map(\.question)
        let dir = try ScratchDirectory(under: NSTemporaryDirectory())
        defer { dir.remove() }
        var configuration = MemoryConfiguration()
        configuration.embedder = try makeEmbedder(settings)
        configuration.ledger.durable = false
        let service = try MemoryService(path: dir.path + "/search.sqlite", configuration: configuration)
        defer { service.close() }
        let caller = Caller(userID: "bench", provenance: .init(agentID: "bench", clientID: "bench", transport: .cli))
        var loaded = 0
        var rows: [[String: Any]] = []
        for size in sizes {
            // Seed up to `size` with 16 concurrent writers so group commit carries the load.
            let seedStart = ContinuousClock.now
            let target = size
            let start = loaded
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<16 {
                    group.addTask {
                        var i = start + lane
                        while i < target {
                            let text = i < facts.count ? facts[i] : MemorySentences.sentence(i)
                            _ = try await service.add(AddRequest(content: text), caller: caller)
                            i += 16
                        }
                    }
                }
                try await group.waitForAll()
            }
            loaded = size
            let seedSeconds = (ContinuousClock.now - seedStart).seconds
            FileHandle.standardError.write(Data("seeded \(size) memories (\(Int(seedSeconds)) s)\n".utf8))
            // Warm-up loads the vector index.
            _ = try await service.search(SearchRequest(query: questions[0]), caller: caller)
            let resident = Self.residentMegabytes()
            for mode in SearchMode.allCases {
                var samples: [Double] = []
                for _ in 0..<rounds {
                    for question in questions {
                        let t0 = ContinuousClock.now
                        _ = try await service.search(SearchRequest(query: question, mode: mode, limit: 10), caller: caller)
                        samples.append((ContinuousClock.now - t0).seconds * 1000)
                    }
                }
                samples.sort()
                rows.append([
                    "memories": size, "mode": mode.rawValue, "queries": samples.count, "p50_ms": Self.percentile(samples, 0.5),
                    "p95_ms": Self.percentile(samples, 0.95), "resident_mb": resident,
                ])
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: ["embedder": service.embedder.model, "results": rows], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("embedder \(service.embedder.model)")
            print("memories  mode      queries   p50 ms   p95 ms   resident MB")
            for row in rows {
                print(
                    String(
                        format: "%8d  %@ %7d  %7.2f  %7.2f  %9.0f", row["memories"] as! Int, (row["mode"] as! String).padding(toLength: 9, withPad: " ", startingAt: 0), row["queries"] as! Int,
                        row["p50_ms"] as! Double, row["p95_ms"] as! Double, row["resident_mb"] as! Double))
            }
        }
        return .ok
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
