// Speed of the local MiniLM encoder, built in release mode by tools/minilm-bench.sh.
//
// Measures the same two things as the sentence-transformers reference
// (shared/fixtures/minilm-reference-gen/bench.py): the latency of one 12-word query (median of 50
// calls) and the throughput of one batch of 64 memory-style sentences. Like the reference it
// reports the CPU share other processes took during each timing, because the machine is shared.
//
// Usage: minilm-bench MODEL_DIR [--json] [--no-wait]
// (--no-wait skips waiting up to three minutes for the machine to be quiet before each timing)

import Foundation
import MiniLM

let memories = [
    "User prefers pnpm over npm", "The staging database runs on port 5433",
    "Production deploys happen on Tuesdays at 10:00 UTC", "The user's main editor is Neovim",
    "API keys are stored in ~/.config/app/credentials.toml", "The user writes commit messages in the imperative mood",
    "The CI pipeline takes about twelve minutes", "The user's dog is named Biscuit",
    "Redis runs locally on port 6379", "The team uses trunk-based development",
    "The user prefers tabs over spaces in Go files", "Feature flags live in LaunchDarkly",
    "The mobile app targets iOS 17 and later", "The user dislikes auto-formatting on save",
    "Backups run nightly at 02:00 and are kept for 30 days", "The user is based in Berlin and works CET hours",
    "The monorepo uses Turborepo for builds", "Postgres 16 is the production database",
    "The user wants short answers without preamble", "Secrets must never be committed to git",
    "The frontend is written in TypeScript with React", "The user's GitHub handle is octo-dev",
    "Integration tests need Docker running", "The user prefers dark mode everywhere",
    "Logs are shipped to Grafana Loki", "The staging cluster is called blue-whale",
    "The user drinks coffee, not tea", "Release notes are written in CHANGELOG.md",
    "The user's laptop is a MacBook Pro with an M3 chip", "Python code is formatted with ruff",
    "The API gateway rate-limits at 100 requests per second", "The user's manager is named Priya",
    "Code review requires two approvals", "The user is allergic to peanuts",
    "The legacy service is written in PHP 7.4", "Staging resets every Sunday night",
    "The user prefers SQLite for prototypes", "Error tracking uses Sentry",
    "The user likes concise bullet-point summaries", "Kubernetes manifests live in the infra/ folder",
    "The user's timezone is UTC+1", "The search index is rebuilt hourly",
    "The user uses fish as their shell", "Dependabot updates are merged on Fridays",
    "The design system is called Aurora", "The user avoids ORMs and writes raw SQL",
    "The VPN must be on to reach the staging database", "The user's cat is called Miso",
    "Node 20 is the minimum supported runtime", "Sprint planning is every other Monday",
    "The user prefers Rust for command-line tools", "Images are stored in an S3 bucket named assets-prod",
    "The user wants tests written before the fix", "Database migrations use Flyway",
    "The on-call rotation changes every Wednesday", "The user reads documentation in English and German",
    "Local HTTPS certificates come from mkcert", "The user does not want emoji in commit messages",
    "The analytics pipeline runs on Airflow", "The user's favourite keyboard layout is Colemak",
    "Swift packages are pinned in Package.resolved", "Load tests run against the perf environment only",
    "The user keeps personal notes in Obsidian", "Passwords rotate every ninety days",
]
let query = "Which port does the staging database use for local development these days?"

/// Busy CPU seconds of the whole machine and of this process, to estimate foreign load.
func cpuSeconds() -> (machine: Double, own: Double) {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var machine = 0.0
    if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = stat.split(separator: "\n").first {
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        if fields.count >= 8 {
            machine = (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticks
        }
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let own = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return (machine, own)
}

/// Waits (at most `limit` seconds) until other processes use under 10% of the cores over two
/// seconds; returns their last measured share.
func waitForQuiet(limit: Double = 180) -> Double {
    let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
    let deadline = Date().addingTimeInterval(limit)
    var share = 1.0
    repeat {
        let before = cpuSeconds()
        let start = Date()
        Thread.sleep(forTimeInterval: 2)
        let after = cpuSeconds()
        share = max(0, ((after.machine - before.machine) - (after.own - before.own)) / (Date().timeIntervalSince(start) * cores))
    } while share >= 0.10 && Date() < deadline
    return share
}

/// Durations in seconds of `runs` calls after `warmup` untimed ones, the share of all cores that
/// other processes used meanwhile, and this process's CPU seconds per call (all threads), which
/// varies less than wall time when the machine is busy.
func measure(runs: Int, warmup: Int, _ body: () -> Void) -> (times: [Double], foreignShare: Double, ownCPUPerRun: Double) {
    if !CommandLine.arguments.contains("--no-wait") { _ = waitForQuiet() }
    for _ in 0..<warmup { body() }
    let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
    let before = cpuSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    var times: [Double] = []
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let after = cpuSeconds()
    let foreign = ((after.machine - before.machine) - (after.own - before.own)) / (wall * cores)
    return (times, max(0, foreign), (after.own - before.own) / Double(runs))
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let arguments = CommandLine.arguments.dropFirst()
guard let directory = arguments.first(where: { !$0.hasPrefix("--") }) else {
    FileHandle.standardError.write(Data("usage: minilm-bench MODEL_DIR [--json]\n".utf8))
    exit(2)
}
let json = arguments.contains("--json")

let loadStart = DispatchTime.now().uptimeNanoseconds
let model: MiniLMModel
do {
    model = try MiniLMModel(directory: directory)
} catch {
    FileHandle.standardError.write(Data("minilm-bench: \(error)\n".utf8))
    exit(1)
}
let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9

let queryRun = measure(runs: 50, warmup: 5) { _ = model.embed([query]) }
let batchRun = measure(runs: 15, warmup: 3) { _ = model.embed(memories) }
let oneByOneRun = measure(runs: 3, warmup: 1) { for memory in memories { _ = model.embed([memory]) } }

let sortedQuery = queryRun.times.sorted()
let tokenCounts = memories.map { model.tokenize($0).count }
let results: [String: Any] = [
    "cores": ProcessInfo.processInfo.activeProcessorCount,
    "load_seconds": loadSeconds,
    "query_tokens": model.tokenize(query).count,
    "query_median_ms": median(queryRun.times) * 1000,
    "query_p10_ms": sortedQuery[5] * 1000,
    "query_p90_ms": sortedQuery[45] * 1000,
    "query_foreign_cpu_share": queryRun.foreignShare,
    "query_cpu_ms": queryRun.ownCPUPerRun * 1000,
    "batch_tokens_mean": Double(tokenCounts.reduce(0, +)) / Double(tokenCounts.count),
    "batch_tokens_max": tokenCounts.max() ?? 0,
    "batch64_median_s": median(batchRun.times),
    "batch64_sentences_per_s": 64 / median(batchRun.times),
    "batch64_best_sentences_per_s": 64 / (batchRun.times.min() ?? 1),
    "batch_foreign_cpu_share": batchRun.foreignShare,
    "batch64_cpu_s": batchRun.ownCPUPerRun,
    "one_by_one_sentences_per_s": 64 / median(oneByOneRun.times),
]

if json {
    let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} else {
    func f(_ value: Any?, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", (value as? Double) ?? 0) }
    print("MiniLM (\(model.modelName)), \(results["cores"]!) cores, model load \(f(results["load_seconds"], 2)) s")
    print("query (\(results["query_tokens"]!) tokens): median \(f(results["query_median_ms"], 2)) ms, p10 \(f(results["query_p10_ms"], 2)) ms, p90 \(f(results["query_p90_ms"], 2)) ms over 50 calls, \(f(results["query_cpu_ms"], 2)) ms CPU each  [other processes: \(f(queryRun.foreignShare * 100, 0))% CPU]")
    print("batch of 64 (mean \(f(results["batch_tokens_mean"])) tokens, max \(results["batch_tokens_max"]!)): \(f(results["batch64_sentences_per_s"])) sentences/s median, \(f(results["batch64_best_sentences_per_s"])) best, over 15 runs, \(f(results["batch64_cpu_s"], 3)) s CPU each  [other processes: \(f(batchRun.foreignShare * 100, 0))% CPU]")
    print("same 64 one at a time: \(f(results["one_by_one_sentences_per_s"])) sentences/s")
}
