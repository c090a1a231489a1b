import Foundation

/// The figures of one `ledger` benchmark run, all measured in the same fresh directory.
struct LedgerRunResult: Codable, Sendable {
    let sqliteCommitsPerSecond: Double
    let fdatasyncPerSecond: Double
    let oneWriterAppendsPerSecond: Double
    let manyWritersAppendsPerSecond: Double

    /// Concurrent writers over one writer, within this run (both saw the same disk and load).
    var ratio: Double { manyWritersAppendsPerSecond / oneWriterAppendsPerSecond }
}

/// The medians over all runs of the `ledger` benchmark, as a table or as JSON.
///
/// The ratio is the median of the per-run ratios rather than the ratio of medians: on a shared machine
/// the two ledger figures of one run saw the same conditions, figures of different runs may not.
struct LedgerReport {
    let seconds: Double
    let writers: Int
    let directory: String
    let cpus: Int
    let runs: [LedgerRunResult]

    var medianSQLite: Double { Self.median(runs.map(\.sqliteCommitsPerSecond)) }
    var medianFdatasync: Double { Self.median(runs.map(\.fdatasyncPerSecond)) }
    var medianOne: Double { Self.median(runs.map(\.oneWriterAppendsPerSecond)) }
    var medianMany: Double { Self.median(runs.map(\.manyWritersAppendsPerSecond)) }
    var medianRatio: Double { Self.median(runs.map(\.ratio)) }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    static func format(_ rate: Double) -> String { String(format: "%.0f", rate) }

    func table() -> String {
        // Milliseconds per operation as one caller sees it: with W writers each waits W/rate per append.
        let rows: [(String, [Double], Double)] = [
            ("plain SQLite, 1 INSERT per commit", runs.map(\.sqliteCommitsPerSecond), 1),
            ("raw fdatasync, 4 KiB append", runs.map(\.fdatasyncPerSecond), 1),
            ("ledger, 1 writer", runs.map(\.oneWriterAppendsPerSecond), 1),
            ("ledger, \(writers) writers", runs.map(\.manyWritersAppendsPerSecond), Double(writers)),
        ]
        var lines = [
            "memledger-bench ledger: median of \(runs.count) run(s) x \(Self.trim(seconds)) s, \(cpus) CPU(s), dir \(directory)",
            "SQLite: WAL, synchronous=FULL; payload 300 bytes; each ledger append is a new stream",
            "",
            Self.pad("workload", 36) + Self.left("ops/s", 10) + Self.left("min-max", 16) + Self.left("ms/op", 9),
        ]
        for (name, values, perCaller) in rows {
            let median = Self.median(values)
            let range = "\(Self.format(values.min() ?? .nan))-\(Self.format(values.max() ?? .nan))"
            lines.append(
                Self.pad(name, 36) + Self.left(Self.format(median), 10) + Self.left(range, 16)
                    + Self.left(String(format: "%.3f", 1000 * perCaller / median), 9))
        }
        let met = medianRatio >= LedgerBenchmark.targetRatio
        lines.append("")
        lines.append(
            "\(writers) writers / 1 writer: \(String(format: "%.2f", medianRatio))x (median of per-run ratios; "
                + "target >= \(Self.trim(LedgerBenchmark.targetRatio))x: \(met ? "met" : "NOT met"))")
        lines.append(
            "1 writer / plain SQLite: \(String(format: "%.2f", medianOne / medianSQLite))x; "
                + "\(writers) writers / plain SQLite: \(String(format: "%.2f", medianMany / medianSQLite))x")
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        struct Body: Encodable {
            let benchmark = "ledger"
            let seconds: Double
            let writers: Int
            let cpus: Int
            let directory: String
            let targetRatio: Double
            let median: Median
            let runs: [LedgerRunResult]
        }
        struct Median: Encodable {
            let sqliteCommitsPerSecond: Double
            let sqliteMillisecondsPerCommit: Double
            let fdatasyncPerSecond: Double
            let oneWriterAppendsPerSecond: Double
            let manyWritersAppendsPerSecond: Double
            let ratio: Double
        }
        let body = Body(
            seconds: seconds, writers: writers, cpus: cpus, directory: directory,
            targetRatio: LedgerBenchmark.targetRatio,
            median: Median(
                sqliteCommitsPerSecond: medianSQLite, sqliteMillisecondsPerCommit: 1000 / medianSQLite,
                fdatasyncPerSecond: medianFdatasync, oneWriterAppendsPerSecond: medianOne,
                manyWritersAppendsPerSecond: medianMany, ratio: medianRatio),
            runs: runs)
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
