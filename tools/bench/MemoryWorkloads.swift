import Foundation
import Ledger
import Memory
import SQLite

/// The workloads of the `memory` benchmark: timed durable adds, fast seeding, list latency and replay.
///
/// Every store is a file inside `directory`; the caller removes the directory afterwards.
struct MemoryWorkloads {
    let directory: String

    /// The one user every memory belongs to: `list` pages through a single user's memories.
    static let caller = Caller(
        userID: "bench-user", provenance: Provenance(agentID: "bench", clientID: "bench-key", transport: .cli))
    /// Memories are spread evenly over these agents, so an agent filter keeps one in eight.
    static let agents = (0..<8).map { "agent-\($0)" }

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Opens a memory store; `durable: false` is for seeding only (commits skip the fsync).
    func open(_ name: String, durable: Bool) throws -> MemoryService {
        var configuration = MemoryConfiguration()
        configuration.ledger.durable = durable
        return try MemoryService(path: path(name), configuration: configuration)
    }

    static func request(_ index: Int) -> AddRequest {
        AddRequest(content: MemorySentences.sentence(index), agentID: agents[index % agents.count])
    }

    /// Durable adds for `seconds` by `callers` concurrent callers, each awaiting one add after another,
    /// into a fresh store.
    /// - Returns: adds per second, all callers together.
    func durableAdds(callers: Int, seconds: Double, name: String) async throws -> Double {
        let service = try open(name, durable: true)
        defer { service.close() }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .nanoseconds(Int64(seconds * 1e9))
        let adds = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<callers {
                group.addTask {
                    var count = 0
                    while clock.now < deadline {
                        _ = try await service.add(Self.request(task + count * callers), caller: Self.caller)
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(adds) / Self.seconds(since: start, clock: clock)
    }

    /// Adds memories number `range` with `writers` concurrent callers, so group commit batches them.
    /// Stops early (at a whole number of rounds) once `deadline` passes.
    /// - Returns: how many were added.
    func seed(_ service: MemoryService, _ range: Range<Int>, writers: Int, deadline: ContinuousClock.Instant? = nil)
        async throws -> Int
    {
        let clock = ContinuousClock()
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<writers {
                group.addTask {
                    var count = 0
                    var index = range.lowerBound + task
                    while index < range.upperBound {
                        if let deadline, count % 64 == 0, clock.now >= deadline { break }
                        let result = try await service.add(Self.request(index), caller: Self.caller)
                        guard result.entries.count == 1, !result.entries[0].deduplicated else {
                            throw WorkloadError("memory \(index) was taken for a duplicate")
                        }
                        count += 1
                        index += writers
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
    }

    /// The latency of `calls` list calls (after a few unmeasured ones), in milliseconds, sorted.
    static func listLatencies(
        _ service: MemoryService, filter: MemoryFilter, offset: Int, calls: Int
    ) throws -> [Double] {
        let clock = ContinuousClock()
        for _ in 0..<5 { _ = try service.list(filter: filter, limit: 50, offset: offset, caller: caller) }
        var latencies: [Double] = []
        latencies.reserveCapacity(calls)
        for _ in 0..<calls {
            let start = clock.now
            let page = try service.list(filter: filter, limit: 50, offset: offset, caller: caller)
            latencies.append(seconds(since: start, clock: clock) * 1000)
            guard page.memories.count == 50 else { throw WorkloadError("list returned \(page.memories.count) memories, not 50") }
        }
        return latencies.sorted()
    }

    /// Pages through every event of the ledger the way the rebuilder does, doing nothing with them:
    /// the share of a rebuild spent reading and decoding the source.
    /// - Returns: events per second.
    static func readEvents(_ ledger: Ledger) throws -> (events: Int64, perSecond: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        var after: Int64 = 0
        var count: Int64 = 0
        while true {
            let batch = try ledger.events(after: after, limit: 20_000)
            guard let last = batch.last else { break }
            after = last.position
            count += Int64(batch.count)
        }
        return (count, Double(count) / seconds(since: start, clock: clock))
    }

    /// `MemoryRebuilder.rebuild` of the whole ledger into a fresh file: read model and full-text index.
    ///
    /// `rebuild` creates the schema with a `Ledger` it closes at once, then switches the file out of WAL.
    /// The closed ledger's writer connection is released just after `close()` returns, so the switch can
    /// meet it still open and fail with "database is locked" before any event is applied; such an attempt
    /// is retried into a new file (and counted), its clock restarted.
    /// - Returns: events per second, and how many attempts failed that way.
    func fullRebuild(_ ledger: Ledger, name: String) throws -> (events: Int64, perSecond: Double, lockedRetries: Int) {
        let clock = ContinuousClock()
        var retries = 0
        while true {
            let start = clock.now
            do {
                let (events, _) = try MemoryRebuilder.rebuild(from: ledger, into: path("\(retries)-\(name)"), until: .end)
                return (events, Double(events) / Self.seconds(since: start, clock: clock), retries)
            } catch let error as SQLiteError where error.isBusy && retries < 5 {
                retries += 1
                try? FileManager.default.removeItem(atPath: path("\(retries - 1)-\(name)"))
                usleep(100_000)
            }
        }
    }

    /// The same replay loop as `MemoryRebuilder`, into a store whose `memories_fts` is a plain table:
    /// the projector still computes the full-text terms but SQLite builds no FTS5 index, which shows what
    /// the read model alone costs. Then the FTS5 index is built in one statement from those terms, which
    /// shows what building it in bulk after the events would cost.
    /// - Returns: events per second without the FTS5 index, the rate at which SQLite alone inserts the
    ///   same rows (INSERT … SELECT into a copy with the same indexes), and terms indexed per second in bulk.
    func readModelOnlyRebuild(_ ledger: Ledger, name: String) throws
        -> (events: Int64, perSecond: Double, sqlCopyRowsPerSecond: Double, bulkFTSRows: Int64, bulkFTSPerSecond: Double)
    {
        let target = path(name)
        try Ledger(path: target).close()
        let db = try Connection(path: target)
        try db.execute("DROP TABLE memories_fts; CREATE TABLE memories_fts (terms TEXT); PRAGMA synchronous=OFF")
        // The schema ledger's writer connection may still be closing (see `fullRebuild`).
        try db.retryingWhileBusy(for: 5) { try db.execute("PRAGMA journal_mode=OFF") }
        let projector = MemoryProjector()
        let clock = ContinuousClock()
        let start = clock.now
        var after: Int64 = 0
        var applied: Int64 = 0
        while true {
            let batch = try ledger.events(after: after, limit: 20_000)
            guard let last = batch.last else { break }
            try db.writeTransaction {
                for event in batch { try projector.apply(event, in: db) }
            }
            after = last.position
            applied += Int64(batch.count)
        }
        let readModelRate = Double(applied) / Self.seconds(since: start, clock: clock)

        // The floor SQLite alone sets: the same rows copied into an empty table with the same indexes.
        try db.execute(
            """
            CREATE TABLE memories_copy AS SELECT * FROM memories WHERE 0;
            CREATE UNIQUE INDEX copy_by_id ON memories_copy (id);
            CREATE UNIQUE INDEX copy_by_fingerprint ON memories_copy (user_id, fingerprint);
            CREATE INDEX copy_by_user ON memories_copy (user_id, created_at, seq);
            CREATE INDEX copy_by_agent ON memories_copy (user_id, agent_id);
            CREATE INDEX copy_by_run ON memories_copy (user_id, run_id);
            """)
        let copyStart = clock.now
        let copied = try db.writeTransaction { try db.run("INSERT INTO memories_copy SELECT * FROM memories ORDER BY seq") }
        let copyRate = Double(copied) / Self.seconds(since: copyStart, clock: clock)

        try db.execute("CREATE VIRTUAL TABLE memories_fts_bulk USING fts5 (terms, tokenize = 'unicode61 remove_diacritics 2')")
        let bulkStart = clock.now
        let rows = try db.writeTransaction {
            try db.run("INSERT INTO memories_fts_bulk (rowid, terms) SELECT rowid, terms FROM memories_fts")
        }
        let bulkRate = Double(rows) / Self.seconds(since: bulkStart, clock: clock)
        return (applied, readModelRate, copyRate, Int64(rows), bulkRate)
    }

    static func seconds(since start: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
        let elapsed = start.duration(to: clock.now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}
