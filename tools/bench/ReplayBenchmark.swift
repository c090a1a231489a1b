import Foundation
import Memory

/// `memledger-bench replay`: rebuild rate of one kept store, seeded once and replayed many times.
///
/// Seeding a million events takes minutes; keeping the store between runs makes the replay figures
/// cheap to repeat (for comparing changes to the rebuild, or measuring when the machine is quieter).
struct ReplayBenchmark {
    static let help = """
        usage: memledger-bench replay --store PATH [--events E] [--runs R] [--seed-budget S] [--json]

        Opens (or creates) the memory store at PATH, appends memory.added events straight through
        Ledger.write until it holds E events (default 1000000) or S seconds (default 600) have passed,
        then rebuilds it R times (default 3) into fresh files beside it, printing each run's read-model
        rate, bulk full-text rate, whole-rebuild rate and the process CPU seconds the rebuild used.
        """

    let store: String
    let events: Int
    let runs: Int
    let seedBudget: Double
    let json: Bool

    init(_ words: [String]) throws(BenchUsageError) {
        let args = try BenchArguments(words, valued: ["store", "events", "runs", "seed-budget"], switches: ["json"])
        guard let store = args.options["store"] else { throw BenchUsageError("--store PATH is required") }
        self.store = store
        events = try args.positiveInt("events", default: 1_000_000)
        runs = try args.positiveInt("runs", default: 3)
        seedBudget = try args.positive("seed-budget", default: 600)
        json = args.has("json")
        guard events <= MemorySentences.capacity else {
            throw BenchUsageError("--events must be at most \(MemorySentences.capacity)")
        }
    }

    func run() async throws -> BenchExitCode {
        var configuration = MemoryConfiguration()
        configuration.ledger.durable = false
        let service = try MemoryService(path: store, configuration: configuration)
        defer { service.close() }
        let clock = ContinuousClock()
        let have = Int(try service.ledger.head().position)
        if have < events {
            let start = clock.now
            let added = try await MemoryWorkloads.seedThroughLedger(
                service.ledger, have..<events, deadline: start + .nanoseconds(Int64(seedBudget * 1e9)))
            let seconds = MemoryWorkloads.seconds(since: start, clock: clock)
            progress("seeded \(added) events in \(Int(seconds)) s (\(MemoryReport.format(Double(added) / seconds)) appends/s)")
        }
        let scratch = try ScratchDirectory(under: (store as NSString).deletingLastPathComponent)
        defer { scratch.remove() }
        let workloads = MemoryWorkloads(directory: scratch.path)
        var results: [[String: Double]] = []
        for index in 1...runs {
            let cpuBefore = Self.cpuSeconds()
            let (report, seconds, _) = try workloads.fullRebuild(service.ledger, name: "replay-\(index).sqlite")
            let cpu = Self.cpuSeconds() - cpuBefore
            let row: [String: Double] = [
                "events": Double(report.events), "readModelEventsPerSecond": Double(report.events) / report.readModelSeconds,
                "fullTextRowsPerSecond": Double(report.fullTextRows) / report.fullTextSeconds,
                "fullRebuildEventsPerSecond": Double(report.events) / seconds, "cpuSeconds": cpu, "wallSeconds": seconds,
                "waitSeconds": report.waitSeconds, "applySeconds": report.applySeconds, "indexSeconds": report.indexSeconds,
                "fullTextSeconds": report.fullTextSeconds,
            ]
            results.append(row)
            progress(
                "rebuild \(index)/\(runs) of \(report.events) events: read model \(MemoryReport.format(row["readModelEventsPerSecond"]!)) events/s, "
                    + "FTS5 \(MemoryReport.format(row["fullTextRowsPerSecond"]!)) rows/s, whole \(MemoryReport.format(row["fullRebuildEventsPerSecond"]!)) events/s "
                    + "(\(String(format: "%.1f", seconds)) s wall, \(String(format: "%.1f", cpu)) s CPU; writer waited "
                    + String(format: "%.2f s, applied %.2f s, indexed %.2f s, full text %.2f s)", report.waitSeconds, report.applySeconds, report.indexSeconds, report.fullTextSeconds))
        }
        let medians = ["readModelEventsPerSecond", "fullTextRowsPerSecond", "fullRebuildEventsPerSecond"].map {
            key in (key, LedgerReport.median(results.map { $0[key]! }))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(["runs": results, "medians": [Dictionary(uniqueKeysWithValues: medians)]]), as: UTF8.self))
        } else {
            print(medians.map { "median \($0.0): \(MemoryReport.format($0.1))" }.joined(separator: "\n"))
        }
        return .ok
    }

    /// User + system CPU seconds of this process so far (both cores count).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
