import Foundation

/// One run of durable adds: 1 caller and W callers, each in a fresh store.
struct MemoryAddRun: Codable, Sendable {
    let oneCallerAddsPerSecond: Double
    let manyCallersAddsPerSecond: Double
}

/// The latencies of one kind of list call at one store size.
struct MemoryListCase: Codable, Sendable {
    let label: String
    let calls: Int
    let p50: Double
    let p95: Double
    let max: Double

    /// - Parameter latenciesMilliseconds: sorted ascending.
    init(label: String, calls: Int, latenciesMilliseconds sorted: [Double]) {
        self.label = label
        self.calls = calls
        p50 = Self.percentile(sorted, 0.50)
        p95 = Self.percentile(sorted, 0.95)
        max = sorted.last ?? .nan
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }
}

/// List latency at one store size, and the rate at which that size was seeded.
struct MemoryListSize: Codable, Sendable {
    let memories: Int
    let seedAddsPerSecond: Double
    let cases: [MemoryListCase]
}

/// One `MemoryRebuilder.rebuild` of the seeded ledger, phase by phase.
struct MemoryRebuildRun: Codable, Sendable {
    /// Events per second from the start until `memories` and its indexes are complete.
    let readModelEventsPerSecond: Double
    /// Full-text rows (and per-user counts) built in bulk afterwards, rows per second.
    let fullTextRowsPerSecond: Double
    /// Events per second for the whole rebuild, full-text index included (wall clock).
    let fullRebuildEventsPerSecond: Double
}

/// The replay figures of one seeded ledger.
struct MemoryReplay: Encodable, Sendable {
    let targetEvents: Int
    let events: Int64
    let seedSeconds: Double
    /// Memories appended per second straight through `Ledger.write` (projector inline) past the list sizes.
    let ledgerSeedAppendsPerSecond: Double
    /// Reading the events with their whole envelope (hashes included) through `Ledger.events`.
    let readEventsPerSecond: Double
    let fullTextRows: Int64
    let runs: [MemoryRebuildRun]
    /// Rebuild attempts that failed at once with "database is locked" (see `MemoryWorkloads.fullRebuild`).
    let lockedRetries: Int

    var readModelEventsPerSecond: Double { LedgerReport.median(runs.map(\.readModelEventsPerSecond)) }
    var fullTextRowsPerSecond: Double { LedgerReport.median(runs.map(\.fullTextRowsPerSecond)) }
    var fullRebuildEventsPerSecond: Double { LedgerReport.median(runs.map(\.fullRebuildEventsPerSecond)) }
    var readModelMet: Bool { readModelEventsPerSecond >= MemoryBenchmark.readModelTarget }
    var fullRebuildMet: Bool { fullRebuildEventsPerSecond >= MemoryBenchmark.fullRebuildTarget }

    enum CodingKeys: String, CodingKey {
        case targetEvents, events, seedSeconds, ledgerSeedAppendsPerSecond, readEventsPerSecond, fullTextRows, runs
        case lockedRetries, readModelEventsPerSecond, fullTextRowsPerSecond, fullRebuildEventsPerSecond, readModelMet
        case fullRebuildMet
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(targetEvents, forKey: .targetEvents)
        try c.encode(events, forKey: .events)
        try c.encode(seedSeconds, forKey: .seedSeconds)
        try c.encode(ledgerSeedAppendsPerSecond, forKey: .ledgerSeedAppendsPerSecond)
        try c.encode(readEventsPerSecond, forKey: .readEventsPerSecond)
        try c.encode(fullTextRows, forKey: .fullTextRows)
        try c.encode(runs, forKey: .runs)
        try c.encode(lockedRetries, forKey: .lockedRetries)
        try c.encode(readModelEventsPerSecond, forKey: .readModelEventsPerSecond)
        try c.encode(fullTextRowsPerSecond, forKey: .fullTextRowsPerSecond)
        try c.encode(fullRebuildEventsPerSecond, forKey: .fullRebuildEventsPerSecond)
        try c.encode(readModelMet, forKey: .readModelMet)
        try c.encode(fullRebuildMet, forKey: .fullRebuildMet)
    }
}

/// Everything the `memory` benchmark measured, as a table or as JSON.
struct MemoryReport {
    let seconds: Double
    let writers: Int
    let seedWriters: Int
    let directory: String
    let cpus: Int
    let adds: [MemoryAddRun]
    let lists: [MemoryListSize]
    let replay: MemoryReplay

    var medianOne: Double { LedgerReport.median(adds.map(\.oneCallerAddsPerSecond)) }
    var medianMany: Double { LedgerReport.median(adds.map(\.manyCallersAddsPerSecond)) }

    static func format(_ rate: Double) -> String { String(format: "%.0f", rate) }
    static func ms(_ value: Double) -> String { String(format: value < 10 ? "%.2f" : "%.1f", value) }

    func table() -> String {
        var lines = [
            "memledger-bench memory: \(cpus) CPU(s), dir \(directory); one user, memories spread over 8 agents",
            "",
            "durable adds (synchronous=FULL), median of \(adds.count) run(s) x \(Self.trim(seconds)) s, fresh store each",
            Self.pad("  callers", 30) + Self.left("adds/s", 10) + Self.left("min-max", 16),
        ]
        for (name, values) in [
            ("  1", adds.map(\.oneCallerAddsPerSecond)), ("  \(writers) concurrent", adds.map(\.manyCallersAddsPerSecond)),
        ] {
            let range = "\(Self.format(values.min() ?? .nan))-\(Self.format(values.max() ?? .nan))"
            lines.append(Self.pad(name, 30) + Self.left(Self.format(LedgerReport.median(values)), 10) + Self.left(range, 16))
        }
        lines.append("")
        lines.append("list, limit 50 (total from memory_counts; with a filter, counted), ms per call")
        lines.append(
            Self.pad("  memories / call", 40) + Self.left("p50", 9) + Self.left("p95", 9) + Self.left("max", 9)
                + Self.left("calls", 7))
        for size in lists {
            for c in size.cases {
                lines.append(
                    Self.pad("  \(size.memories) / \(c.label)", 40) + Self.left(Self.ms(c.p50), 9) + Self.left(Self.ms(c.p95), 9)
                        + Self.left(Self.ms(c.max), 9) + Self.left(String(c.calls), 7))
            }
        }
        lines.append(
            "  seeding (durable=false, \(seedWriters) concurrent adders): "
                + lists.map { "to \($0.memories) at \(Self.format($0.seedAddsPerSecond)) adds/s" }.joined(separator: ", "))
        lines.append("")
        let r = replay
        let note = r.events < Int64(r.targetEvents) ? " (seeding budget reached before \(r.targetEvents); rates are per event)" : ""
        lines.append("replay of \(r.events) memory.added events\(note), seeded in \(Int(r.seedSeconds)) s")
        lines.append(
            "  (past the list sizes, seeded straight through Ledger.write at \(Self.format(r.ledgerSeedAppendsPerSecond)) appends/s)")
        lines.append(Self.pad("  step, median of \(r.runs.count) rebuild(s)", 54) + Self.left("events/s", 10) + Self.left("target", 12))
        lines.append(Self.pad("  read + decode events with hashes (Ledger.events)", 54) + Self.left(Self.format(r.readEventsPerSecond), 10))
        lines.append(
            Self.pad("  replay into the read model (memories + indexes)", 54) + Self.left(Self.format(r.readModelEventsPerSecond), 10)
                + Self.left(">= \(Self.format(MemoryBenchmark.readModelTarget))", 12) + (r.readModelMet ? "  met" : "  NOT met"))
        lines.append(
            Self.pad("  then counts + FTS5 in bulk, \(r.fullTextRows) rows (rows/s)", 54) + Self.left(Self.format(r.fullTextRowsPerSecond), 10))
        lines.append(
            Self.pad("  MemoryRebuilder.rebuild, whole (FTS5 included)", 54) + Self.left(Self.format(r.fullRebuildEventsPerSecond), 10)
                + Self.left(">= \(Self.format(MemoryBenchmark.fullRebuildTarget))", 12) + (r.fullRebuildMet ? "  met" : "  NOT met"))
        if r.lockedRetries > 0 {
            lines.append("  note: \(r.lockedRetries) rebuild attempt(s) failed at once with 'database is locked' and were retried")
        }
        if r.events < Int64(r.targetEvents) {
            lines.append(
                "  1M-event estimate at these rates: rebuild \(Self.trim((1e6 / r.fullRebuildEventsPerSecond * 10).rounded() / 10)) s")
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        struct Body: Encodable {
            let benchmark = "memory"
            let cpus: Int
            let directory: String
            let seconds: Double
            let writers: Int
            let seedWriters: Int
            let targets: Targets
            let adds: Adds
            let lists: [MemoryListSize]
            let replay: MemoryReplay
        }
        struct Targets: Encodable {
            let readModelEventsPerSecond: Double
            let fullRebuildEventsPerSecond: Double
        }
        struct Adds: Encodable {
            let medianOneCallerAddsPerSecond: Double
            let medianManyCallersAddsPerSecond: Double
            let runs: [MemoryAddRun]
        }
        let body = Body(
            cpus: cpus, directory: directory, seconds: seconds, writers: writers, seedWriters: seedWriters,
            targets: Targets(
                readModelEventsPerSecond: MemoryBenchmark.readModelTarget,
                fullRebuildEventsPerSecond: MemoryBenchmark.fullRebuildTarget),
            adds: Adds(medianOneCallerAddsPerSecond: medianOne, medianManyCallersAddsPerSecond: medianMany, runs: adds),
            lists: lists, replay: replay)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func left(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
