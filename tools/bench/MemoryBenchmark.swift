import Foundation
import Memory

/// `memledger-bench memory`: the memory domain's figures the issue asks for. Durable adds/s with 1
/// and W concurrent callers; list latency at 10k and 100k memories; replay rate of a large ledger
/// into a fresh read model with its full-text index (targets: ≥ 100k events/s into the read model,
/// ≥ 30k events/s for a full rebuild including the full-text index).
struct MemoryBenchmark {
    static let help = """
        usage: memledger-bench memory [--seconds N] [--runs R] [--writers W] [--sizes A,B] [--calls C]
                                      [--events E] [--seed-budget S] [--seed-writers K] [--dir DIR] [--json] [--check]

        1. durable adds/s with 1 caller and with W concurrent callers (default 16), N seconds each (default 3),
           each run in a fresh store; median of R runs (default 3).
        2. seeds one user's store (durable=false, K concurrent adders, default 64) to each size in A,B
           (default 10000,100000) and times C list calls (default 200, limit 50) at offset 0, at a deep offset
           (90% of the size) and with an agent filter (1 memory in 8): p50/p95 in ms.
        3. keeps seeding towards E events (default 1000000), straight through Ledger.write in groups of 2000,
           until S seconds of seeding in all (default 270) have passed, then replays the ledger: reading alone,
           then R times MemoryRebuilder.rebuild into a fresh file, timing the read model (memories and its
           indexes) and the whole rebuild (per-user counts and FTS5 index built in bulk afterwards).
        --json prints JSON instead of a table; --check exits 1 when a replay target is missed.
        """

    /// Events per second into the read model (without the full-text index).
    static let readModelTarget = 100_000.0
    /// Events per second for a full rebuild, full-text index included.
    static let fullRebuildTarget = 30_000.0

    let seconds: Double
    let runs: Int
    let writers: Int
    let sizes: [Int]
    let calls: Int
    let events: Int
    let seedBudget: Double
    let seedWriters: Int
    let directory: String
    let json: Bool
    let check: Bool

    init(_ words: [String]) throws(BenchUsageError) {
        let args = try BenchArguments(
            words,
            valued: ["seconds", "runs", "writers", "sizes", "calls", "events", "seed-budget", "seed-writers", "dir"],
            switches: ["json", "check"])
        seconds = try args.positive("seconds", default: 3)
        runs = try args.positiveInt("runs", default: 3)
        writers = try args.positiveInt("writers", default: 16)
        calls = try args.positiveInt("calls", default: 200)
        events = try args.positiveInt("events", default: 1_000_000)
        seedBudget = try args.positive("seed-budget", default: 270)
        seedWriters = try args.positiveInt("seed-writers", default: 64)
        directory = args.options["dir"] ?? NSTemporaryDirectory()
        json = args.has("json")
        check = args.has("check")
        let sizeText = args.options["sizes"] ?? "10000,100000"
        var parsed: [Int] = []
        for part in sizeText.split(separator: ",") {
            guard let size = Int(part), size >= 100 else {
                throw BenchUsageError("--sizes takes whole numbers of at least 100 separated by commas, got '\(sizeText)'")
            }
            parsed.append(size)
        }
        sizes = parsed.sorted()
        guard !sizes.isEmpty else { throw BenchUsageError("--sizes needs at least one size") }
        guard writers >= 2 else { throw BenchUsageError("--writers must be at least 2 to compare with 1 caller") }
        guard events >= sizes.last!, events <= MemorySentences.capacity else {
            throw BenchUsageError("--events must be between the largest size and \(MemorySentences.capacity)")
        }
    }

    func run() async throws -> BenchExitCode {
        let scratch = try ScratchDirectory(under: directory)
        defer { scratch.remove() }
        let workloads = MemoryWorkloads(directory: scratch.path)

        var adds: [MemoryAddRun] = []
        for index in 1...runs {
            let one = try await workloads.durableAdds(callers: 1, seconds: seconds, name: "adds-\(index)-1.sqlite")
            let many = try await workloads.durableAdds(callers: writers, seconds: seconds, name: "adds-\(index)-\(writers).sqlite")
            adds.append(MemoryAddRun(oneCallerAddsPerSecond: one, manyCallersAddsPerSecond: many))
            progress("adds run \(index)/\(runs): 1 caller \(MemoryReport.format(one))/s, \(writers) callers \(MemoryReport.format(many))/s")
        }

        let service = try workloads.open("seeded.sqlite", durable: false)
        defer { service.close() }
        let clock = ContinuousClock()
        let seedStart = clock.now
        let seedDeadline = seedStart + .nanoseconds(Int64(seedBudget * 1e9))
        var seeded = 0
        var lists: [MemoryListSize] = []
        for size in sizes {
            let start = clock.now
            let added = try await workloads.seed(service, seeded..<size, writers: seedWriters)
            let elapsed = MemoryWorkloads.seconds(since: start, clock: clock)
            seeded += added
            progress("seeded \(seeded) memories (\(MemoryReport.format(Double(added) / elapsed)) adds/s, durable=false)")
            let deep = size * 9 / 10
            var cases: [MemoryListCase] = []
            for (label, filter, offset) in [
                ("offset 0", MemoryFilter(), 0), ("offset \(deep)", MemoryFilter(), deep),
                ("agent filter, offset 0", MemoryFilter(agentID: MemoryWorkloads.agents[3]), 0),
            ] {
                let latencies = try MemoryWorkloads.listLatencies(service, filter: filter, offset: offset, calls: calls)
                cases.append(MemoryListCase(label: label, calls: calls, latenciesMilliseconds: latencies))
            }
            lists.append(MemoryListSize(memories: size, seedAddsPerSecond: Double(added) / elapsed, cases: cases))
            progress(
                "list at \(size): " + cases.map { "\($0.label) p50 \(MemoryReport.ms($0.p50)) ms" }.joined(separator: ", "))
        }

        let ledgerSeedStart = clock.now
        let remaining = try await MemoryWorkloads.seedThroughLedger(service.ledger, seeded..<events, deadline: seedDeadline)
        let ledgerSeedRate = Double(remaining) / MemoryWorkloads.seconds(since: ledgerSeedStart, clock: clock)
        seeded += remaining
        let seedSeconds = MemoryWorkloads.seconds(since: seedStart, clock: clock)
        progress("seeded \(seeded) memories in \(Int(seedSeconds)) s (\(MemoryReport.format(ledgerSeedRate)) appends/s through Ledger.write); replaying")

        let read = try MemoryWorkloads.readEvents(service.ledger)
        progress("read \(read.events) events: \(MemoryReport.format(read.perSecond))/s")
        var rebuilds: [MemoryRebuildRun] = []
        var lockedRetries = 0
        var applied: Int64 = 0
        var fullTextRows: Int64 = 0
        for index in 1...runs {
            let (report, seconds, retries) = try workloads.fullRebuild(service.ledger, name: "rebuild-\(index).sqlite")
            lockedRetries += retries
            applied = report.events
            fullTextRows = report.fullTextRows
            let run = MemoryRebuildRun(
                readModelEventsPerSecond: Double(report.events) / report.readModelSeconds,
                fullTextRowsPerSecond: Double(report.fullTextRows) / report.fullTextSeconds,
                fullRebuildEventsPerSecond: Double(report.events) / seconds)
            rebuilds.append(run)
            progress(
                "rebuild \(index)/\(runs): read model \(MemoryReport.format(run.readModelEventsPerSecond)) events/s, "
                    + "FTS5 \(MemoryReport.format(run.fullTextRowsPerSecond)) rows/s, whole \(MemoryReport.format(run.fullRebuildEventsPerSecond)) events/s")
        }
        let replay = MemoryReplay(
            targetEvents: events, events: applied, seedSeconds: seedSeconds, ledgerSeedAppendsPerSecond: ledgerSeedRate,
            readEventsPerSecond: read.perSecond, fullTextRows: fullTextRows, runs: rebuilds, lockedRetries: lockedRetries)

        let report = MemoryReport(
            seconds: seconds, writers: writers, seedWriters: seedWriters, directory: directory,
            cpus: ProcessInfo.processInfo.activeProcessorCount, adds: adds, lists: lists, replay: replay)
        print(json ? try report.json() : report.table())
        if check && !(replay.readModelMet && replay.fullRebuildMet) { return .belowTarget }
        return .ok
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
