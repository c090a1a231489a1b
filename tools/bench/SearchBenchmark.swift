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
        usage: memledger-bench search [--sizes 10000,100000] [--rounds 3] [--embedder builtin|minilm] [--model-dir DIR]
                                      [--store PATH] [--json]

        Search p50/p95 per mode at each corpus size, and the resident memory of a fresh process that opened
        the store and answered the queries. The store is seeded in this process; each size is then measured
        by a child process (`search --probe PATH`), as a server that starts on that store would see it.
        --store keeps the store at PATH (seeding goes on from what it holds), so a rerun skips the seeding.
        """

    let sizes: [Int]
    let rounds: Int
    let settings: EmbedderSettings
    let store: String?
    let probe: String?
    let json: Bool

    init(_ words: [String]) throws(BenchUsageError) {
        let args = try BenchArguments(words, valued: ["sizes", "rounds", "embedder", "model-dir", "store", "probe"], switches: ["json"])
        sizes = (args.options["sizes"] ?? "10000,100000").split(separator: ",").compactMap { Int($0) }.sorted()
        guard !sizes.isEmpty else { throw BenchUsageError("--sizes takes a comma-separated list of counts") }
        rounds = Int(args.options["rounds"] ?? "3") ?? 3
        guard let kind = EmbedderSettings.Kind(rawValue: args.options["embedder"] ?? "builtin") else {
            throw BenchUsageError("--embedder is builtin or minilm")
        }
        settings = EmbedderSettings(kind: kind, modelDirectory: args.options["model-dir"] ?? "models/all-MiniLM-L6-v2")
        store = args.options["store"]
        probe = args.options["probe"]
        json = args.has("json")
    }

    static func residentMegabytes(_ field: String = "VmRSS:") -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }

    static let caller = Caller(userID: "bench", provenance: .init(agentID: "bench", clientID: "bench", transport: .cli))

    func service(at path: String) throws -> MemoryService {
        var configuration = MemoryConfiguration()
        configuration.embedder = try makeEmbedder(settings)
        configuration.ledger.durable = false
        return try MemoryService(path: path, configuration: configuration)
    }

    func run() async throws -> BenchExitCode {
        if let probe { return try await measure(store: probe) }
        let facts = try EvalBenchmark.lines("tools/eval/facts.jsonl", as: EvalBenchmark.Fact.self).map(\.text)
        let dir = try ScratchDirectory(under: NSTemporaryDirectory())
        defer { dir.remove() }
        let path = store ?? dir.path + "/search.sqlite"
        let service = try service(at: path)
        defer { service.close() }
        var loaded = try service.ledger.read { try $0.scalarInt("SELECT count(*) FROM memories") } ?? 0
        var rows: [[String: Any]] = []
        for size in sizes {
            // Seed up to `size` with 16 concurrent writers so group commit carries the load.
            let seedStart = ContinuousClock.now
            let (start, target) = (Int(loaded), size)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<16 {
                    group.addTask {
                        var i = start + lane
                        while i < target {
                            let text = i < facts.count ? facts[i] : MemorySentences.sentence(i)
                            _ = try await service.add(AddRequest(content: text), caller: Self.caller)
                            i += 16
                        }
                    }
                }
                try await group.waitForAll()
            }
            loaded = Int64(max(Int(loaded), size))
            FileHandle.standardError.write(Data("seeded \(size) memories (\(Int((ContinuousClock.now - seedStart).seconds)) s)\n".utf8))
            _ = try service.ledger.checkpoint()
            rows += try probeChild(store: path)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: ["embedder": service.embedder.model, "results": rows], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("embedder \(service.embedder.model)")
            print("memories  mode      queries   p50 ms   p95 ms   resident MB (peak)")
            for row in rows {
                print(
                    String(
                        format: "%8d  %@ %7d  %7.2f  %7.2f  %9.0f (%.0f)", row["memories"] as! Int,
                        (row["mode"] as! String).padding(toLength: 9, withPad: " ", startingAt: 0), row["queries"] as! Int,
                        row["p50_ms"] as! Double, row["p95_ms"] as! Double, row["resident_mb"] as! Double, row["peak_resident_mb"] as! Double))
            }
        }
        return .ok
    }

    /// Runs `search --probe` on `store` in a child process and returns its rows.
    func probeChild(store: String) throws -> [[String: Any]] {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["search", "--probe", store, "--rounds", String(rounds), "--embedder", settings.kind.rawValue,
                           "--model-dir", settings.modelDirectory ?? ""]
        let out = Pipe()
        child.standardOutput = out
        try child.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        guard child.terminationStatus == 0, let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw BenchUsageError("the search probe failed (exit \(child.terminationStatus))")
        }
        return rows
    }

    /// The child's side: open the store like a starting server, search every question per mode, report.
    func measure(store path: String) async throws -> BenchExitCode {
        let questions = try EvalBenchmark.lines("tools/eval/questions.jsonl", as: EvalBenchmark.Question.self).map(\.question)
        let service = try service(at: path)
        defer { service.close() }
        let size = try service.ledger.read { try $0.scalarInt("SELECT count(*) FROM memories") } ?? 0
        // Warm-up loads the vector index.
        _ = try await service.search(SearchRequest(query: questions[0]), caller: Self.caller)
        var rows: [[String: Any]] = []
        for mode in SearchMode.allCases {
            var samples: [Double] = []
            for _ in 0..<rounds {
                for question in questions {
                    let t0 = ContinuousClock.now
                    _ = try await service.search(SearchRequest(query: question, mode: mode, limit: 10), caller: Self.caller)
                    samples.append((ContinuousClock.now - t0).seconds * 1000)
                }
            }
            samples.sort()
            rows.append([
                "memories": Int(size), "mode": mode.rawValue, "queries": samples.count, "p50_ms": Self.percentile(samples, 0.5),
                "p95_ms": Self.percentile(samples, 0.95),
            ])
        }
        let (resident, peak) = (Self.residentMegabytes(), Self.residentMegabytes("VmHWM:"))
        rows = rows.map { $0.merging(["resident_mb": resident, "peak_resident_mb": peak]) { a, _ in a } }
        let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        return .ok
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
