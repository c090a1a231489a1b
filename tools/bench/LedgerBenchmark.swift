import Foundation

/// `memledger-bench ledger`: durable appends per second with one writer and with many concurrent
/// writers, beside the fsync-bound commit rate of plain SQLite on the same disk in the same run.
///
/// Plain SQLite with one INSERT per transaction is the physical limit of one-at-a-time durability:
/// every commit waits for one WAL fsync. The ledger's single writer can only beat that limit for
/// many writers by group commit (one fsync for many appends), which is what the ratio shows.
struct LedgerBenchmark {
    static let help = """
        usage: memledger-bench ledger [--seconds N] [--runs R] [--writers W] [--dir DIR] [--json] [--check]

        Each run, in a fresh directory under DIR (default: the system temp directory), measures for N seconds
        each (default 3): plain SQLite commits/s (WAL, synchronous=FULL, one 300-byte INSERT per transaction),
        raw fdatasync/s, ledger appends/s with 1 writer, and with W concurrent writers (default 16).
        Prints the median of R runs (default 5); --json prints the figures as JSON instead of a table;
        --check exits 1 when W writers reach less than 5x the single-writer rate.
        """

    /// Group commit must make the concurrent writers at least this many times the single writer's rate.
    static let targetRatio = 5.0

    let seconds: Double
    let runs: Int
    let writers: Int
    let directory: String
    let json: Bool
    let check: Bool

    init(_ words: [String]) throws(BenchUsageError) {
        let args = try BenchArguments(
            words, valued: ["seconds", "runs", "writers", "dir"], switches: ["json", "check"])
        seconds = try args.positive("seconds", default: 3)
        runs = try args.positiveInt("runs", default: 5)
        writers = try args.positiveInt("writers", default: 16)
        directory = args.options["dir"] ?? NSTemporaryDirectory()
        json = args.has("json")
        check = args.has("check")
        guard writers >= 2 else { throw BenchUsageError("--writers must be at least 2 to compare with 1 writer") }
    }

    func run() async throws -> BenchExitCode {
        var results: [LedgerRunResult] = []
        for index in 1...runs {
            let scratch = try ScratchDirectory(under: directory)
            defer { scratch.remove() }
            let workloads = LedgerWorkloads(directory: scratch.path, seconds: seconds)
            let sqlite = try workloads.plainSQLiteCommits()
            let fdatasync = try workloads.fdatasyncAppends()
            let one = try await workloads.ledgerAppends(writers: 1)
            let many = try await workloads.ledgerAppends(writers: writers)
            let result = LedgerRunResult(
                sqliteCommitsPerSecond: sqlite, fdatasyncPerSecond: fdatasync,
                oneWriterAppendsPerSecond: one, manyWritersAppendsPerSecond: many)
            results.append(result)
            progress(
                "run \(index)/\(runs): sqlite \(LedgerReport.format(sqlite))/s, fdatasync \(LedgerReport.format(fdatasync))/s, "
                    + "ledger 1w \(LedgerReport.format(one))/s, \(writers)w \(LedgerReport.format(many))/s "
                    + "(\(String(format: "%.1f", result.ratio))x)")
        }
        let report = LedgerReport(
            seconds: seconds, writers: writers, directory: directory,
            cpus: ProcessInfo.processInfo.activeProcessorCount, runs: results)
        print(json ? try report.json() : report.table())
        if check && report.medianRatio < Self.targetRatio { return .belowTarget }
        return .ok
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A fresh directory for one run's databases, removed afterwards so runs never share a WAL or page cache state.
struct ScratchDirectory {
    let path: String

    init(under parent: String) throws {
        path = (parent as NSString).appendingPathComponent("memledger-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
