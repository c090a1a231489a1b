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

/// The replay figures of one seeded ledger.
struct MemoryReplay: Encodable, Sendable {
    let targetEvents: Int
    let events: Int64
    let seedSeconds: Double
    let readEventsPerSecond: Double
    /// `MemoryRebuilder.rebuild` as shipped: read model and FTS5 index written inline, event by event.
    let fullRebuildEventsPerSecond: Double
    /// Rebuild attempts that failed at once with "database is locked" (see `MemoryWorkloads.fullRebuild`).
    let lockedRetries: Int
    /// The same replay with `memories_fts` a plain table: no FTS5 index work.
    let readModelEventsPerSecond: Double
    /// The same rows inserted by SQLite alone into a table with the same indexes: the floor of any replay.
    let sqlCopyRowsPerSecond: Double
    let bulkFTSRows: Int64
    let bulkFTSRowsPerSecond: Double

    /// A rebuild that applies the events without FTS5 and then builds the index in one statement.
    var bulkRebuildEventsPerSecond: Double {
        Double(events) / (Double(events) / readModelEventsPerSecond + Double(bulkFTSRows) / bulkFTSRowsPerSecond)
    }
    var readModelMet: Bool { readModelEventsPerSecond >= MemoryBenchmark.readModelTarget }
    var fullRebuildMet: Bool { fullRebuildEventsPerSecond >= MemoryBenchmark.fullRebuildTarget }

    enum CodingKeys: String, CodingKey {
        case targetEvents, events, seedSeconds, readEventsPerSecond, fullRebuildEventsPerSecond, lockedRetries
        case readModelEventsPerSecond, sqlCopyRowsPerSecond, bulkFTSRows, bulkFTSRowsPerSecond
        case bulkRebuildEventsPerSecond, readModelMet, fullRebuildMet
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(targetEvents, forKey: .targetEvents)
        try c.encode(events, forKey: .events)
        try c.encode(seedSeconds, forKey: .seedSeconds)
        try c.encode(readEventsPerSecond, forKey: .readEventsPerSecond)
        try c.encode(fullRebuildEventsPerSecond, forKey: .fullRebuildEventsPerSecond)
        try c.encode(lockedRetries, forKey: .lockedRetries)
        try c.encode(readModelEventsPerSecond, forKey: .readModelEventsPerSecond)
        try c.encode(sqlCopyRowsPerSecond, forKey: .sqlCopyRowsPerSecond)
        try c.encode(bulkFTSRows, forKey: .bulkFTSRows)
        try c.encode(bulkFTSRowsPerSecond, forKey: .bulkFTSRowsPerSecond)
        try c.encode(bulkRebuildEventsPerSecond, forKey: .bulkRebuildEventsPerSecond)
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
        lines.append("list, limit 50 (each page also counts the total), ms per call")
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
        lines.append(Self.pad("  step", 54) + Self.left("events/s", 10) + Self.left("target", 10))
        lines.append(Self.pad("  read + decode events only", 54) + Self.left(Self.format(r.readEventsPerSecond), 10))
        lines.append(
            Self.pad("  replay into the read model (no FTS5 index)", 54) + Self.left(Self.format(r.readModelEventsPerSecond), 10)
                + Self.left(">= \(Self.format(MemoryBenchmark.readModelTarget))", 10) + (r.readModelMet ? "  met" : "  NOT met"))
        lines.append(
            Self.pad("  SQLite alone: INSERT..SELECT of those rows (rows/s)", 54) + Self.left(Self.format(r.sqlCopyRowsPerSecond), 10))
        lines.append(
            Self.pad("  MemoryRebuilder.rebuild (FTS5 inline)", 54) + Self.left(Self.format(r.fullRebuildEventsPerSecond), 10)
                + Self.left(">= \(Self.format(MemoryBenchmark.fullRebuildTarget))", 10) + (r.fullRebuildMet ? "  met" : "  NOT met"))
        lines.append(
            Self.pad("  bulk FTS5 build afterwards (rows/s)", 54) + Self.left(Self.format(r.bulkFTSRowsPerSecond), 10))
        lines.append(
            Self.pad("  read model, then bulk FTS5 (computed)", 54) + Self.left(Self.format(r.bulkRebuildEventsPerSecond), 10)
                + Self.left(">= \(Self.format(MemoryBenchmark.fullRebuildTarget))", 10))
        if r.lockedRetries > 0 {
            lines.append("  note: \(r.lockedRetries) rebuild attempt(s) failed at once with 'database is locked' and were retried")
        }
        if r.events < Int64(r.targetEvents) {
            lines.append(
                "  1M-event estimate at these rates: rebuild \(Self.trim((1e6 / r.fullRebuildEventsPerSecond * 10).rounded() / 10)) s, "
                    + "read model only \(Self.trim((1e6 / r.readModelEventsPerSecond * 10).rounded() / 10)) s")
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
