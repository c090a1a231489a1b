import Foundation
import JSON
import Ledger
import Memory

/// `memledger debug-seed`: fills a data directory with a realistic mix of memory events, for tests and
/// benchmarks (adds from two clients and agents for two users, then updates and deletes).
struct SeedCommand: CLICommand {
    static let help = """
        usage: memledger debug-seed [--data DIR] [--memories N] [--first N] [--concurrency N]

        Adds N memories (default 20) through the memory service as clients "alpha" (rest, agent
        claude) and "beta" (mcp, agent codex), for users "default" and "bob"; updates every 4th and
        deletes every 10th. Prints one JSON object with the ids of some updated, deleted and live
        memories and the head. --first numbers the memories from N (default 0), so a second seed of
        the same directory adds new content. Not durable against power loss (synchronous=NORMAL): test data only.
        """
    static let valued: Set<String> = ["data", "memories", "first", "concurrency"]

    let data: DataDirectory
    let count: Int
    let first: Int
    let concurrency: Int

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "memories", "first", "concurrency"])
        data = DataDirectory(path: args["data"] ?? defaultDataDirectory())
        guard let count = Int(args["memories"] ?? "20"), count >= 0 else { throw UsageError("--memories takes a number") }
        self.count = count
        guard let first = Int(args["first"] ?? "0"), first >= 0 else { throw UsageError("--first takes a number") }
        self.first = first
        concurrency = max(1, Int(args["concurrency"] ?? "16") ?? 16)
    }

    func run() throws -> ExitCode {
        try data.create()
        var configuration = MemoryConfiguration()
        configuration.ledger.durable = false
        let service = try MemoryService(path: data.database, configuration: configuration)
        defer { service.close() }
        let (count, width, first) = (count, concurrency, first)
        let progress = ProgressLine(label: "seeded")
        let progressBox = SeedProgress(progress)
        let results = try blocking { () -> [(Int, String)] in
            try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
                for lane in 0..<width {
                    group.addTask {
                        var done: [(Int, String)] = []
                        for i in stride(from: lane, to: count, by: width) {
                            done.append((first + i, try await Self.seedOne(first + i, service: service)))
                            if i % 1000 == 0 { progressBox.update(Int64(i)) }
                        }
                        return done
                    }
                }
                var all: [(Int, String)] = []
                for try await part in group { all += part }
                return all.sorted { $0.0 < $1.0 }
            }
        }
        progress.finish()
        let updated = results.filter { $0.0 % 4 == 1 && $0.0 % 10 != 3 }.prefix(10).map { JSONValue.string($0.1) }
        let deleted = results.filter { $0.0 % 10 == 3 }.prefix(10).map { JSONValue.string($0.1) }
        let live = results.filter { $0.0 % 10 != 3 }.prefix(10).map { JSONValue.string($0.1) }
        let head = try service.ledger.head()
        var bytes = JSONValue.object([
            "updated": .array(Array(updated)), "deleted": .array(Array(deleted)), "live": .array(Array(live)),
            "head": .string(head.description), "events": .int(head.position),
        ]).serialized()
        bytes.append(10)
        FileHandle.standardOutput.write(Data(bytes))
        return .ok
    }

    private static let words = [
        "prefers", "dark", "mode", "uses", "vim", "lives", "in", "Lisbon", "likes", "green", "tea", "works", "on", "Swift",
        "servers", "deploys", "with", "Caddy", "reads", "papers", "about", "SQLite", "東京", "に", "住んで", "Zoë", "café",
    ]

    /// Adds memory `i`, then updates and deletes it as the seed pattern says; returns its id.
    static func seedOne(_ i: Int, service: MemoryService) async throws -> String {
        let alpha = i % 2 == 0
        let caller = Caller(
            userID: i % 3 == 2 ? "bob" : "default",
            provenance: Provenance(
                agentID: alpha ? "claude" : "codex", clientID: alpha ? "alpha" : "beta", actor: "seed", transport: alpha ? .rest : .mcp))
        var text = "memory \(i):"
        var x = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        for _ in 0..<(6 + i % 9) {
            x ^= x >> 33
            x &*= 0xFF51_AFD7_ED55_8CCD
            text += " " + words[Int(x % UInt64(words.count))]
        }
        let added = try await service.add(AddRequest(content: text, metadata: ["n": .int(Int64(i)), "topic": .string(alpha ? "work" : "home")]), caller: caller)
        let id = added.entries[0].memory.id
        if i % 4 == 1 {
            _ = try await service.update(id, content: text + " (revised)", caller: caller)
        }
        if i % 10 == 3 {
            _ = try await service.delete(id, caller: caller)
        }
        return id
    }
}

/// Lets the seeding tasks report progress to the one terminal line; updates are rare and serialised.
private final class SeedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let line: ProgressLine
    init(_ line: ProgressLine) { self.line = line }
    func update(_ n: Int64) {
        lock.lock()
        defer { lock.unlock() }
        line.update(n)
    }
}
