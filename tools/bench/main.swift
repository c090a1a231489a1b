import Foundation

/// `memledger-bench`: performance measurements that are too long for the unit tests.
///
/// Every subcommand is a type with `help`, an initialiser that validates its options and `run()`.
/// Build with `-c release`; figures from a debug build mean little.

let benchUsage = """
    usage: memledger-bench <command> [options]

    commands:
      ledger    durable appends/s with 1 and 16 writers beside plain SQLite's fsync-bound commit rate
      eval      retrieval quality (recall@1, recall@5, MRR) per search mode on tools/eval/
      search    search latency p50/p95 and resident memory at growing corpus sizes
      memory    adds/s, list latency at 10k and 100k memories, replay/rebuild rate of a large ledger
      replay    rebuild rate of one kept store, seeded once (for repeated replay measurements)

    Every command takes --help.
    """

signal(SIGPIPE, SIG_IGN)
let benchWords = Array(CommandLine.arguments.dropFirst())
let benchCommand = benchWords.first ?? "--help"
let benchRest = Array(benchWords.dropFirst())

func runBenchCommand() async -> BenchExitCode {
    do {
        switch benchCommand {
        case "--help", "-h", "help":
            print(benchUsage)
            return .ok
        case "ledger":
            if benchRest.contains("--help") { print(LedgerBenchmark.help); return .ok }
            return try await LedgerBenchmark(benchRest).run()
        case "eval":
            if benchRest.contains("--help") { print(EvalBenchmark.help); return .ok }
            return try await EvalBenchmark(benchRest).run()
        case "search":
            if benchRest.contains("--help") { print(SearchBenchmark.help); return .ok }
            return try await SearchBenchmark(benchRest).run()
        case "memory":
            if benchRest.contains("--help") { print(MemoryBenchmark.help); return .ok }
            return try await MemoryBenchmark(benchRest).run()
        case "replay":
            if benchRest.contains("--help") { print(ReplayBenchmark.help); return .ok }
            return try await ReplayBenchmark(benchRest).run()
        default:
            FileHandle.standardError.write(Data("unknown command '\(benchCommand)'\n\(benchUsage)\n".utf8))
            return .usage
        }
    } catch let error as BenchUsageError {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        return .usage
    } catch {
        FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
        return .unavailable
    }
}

exit(await runBenchCommand().rawValue)
