import Crypto
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

    /// `MemoryRebuilder.rebuild` of the whole ledger into a fresh file: read model, counts and full-text index.
    ///
    /// `rebuild` creates the schema with a `Ledger` it closes at once, then takes the file out of WAL.
    /// The closed ledger's writer connection is released just after `close()` returns; `rebuild` waits
    /// for it, but should an attempt still fail with "database is locked" before any event is applied,
    /// it is retried into a new file (and counted).
    /// - Returns: the rebuild's report, its wall-clock seconds, and how many attempts failed that way.
    func fullRebuild(_ ledger: Ledger, name: String) throws -> (report: MemoryRebuilder.Report, seconds: Double, lockedRetries: Int) {
        let clock = ContinuousClock()
        var retries = 0
        while true {
            let start = clock.now
            let target = path("\(retries)-\(name)")
            do {
                let report = try MemoryRebuilder.rebuildReporting(from: ledger, into: target, until: .end)
                let seconds = Self.seconds(since: start, clock: clock)
                Connection.removeFiles(at: target)
                return (report, seconds, retries)
            } catch let error as SQLiteError where error.isBusy && retries < 5 {
                retries += 1
                Connection.removeFiles(at: target)
                usleep(100_000)
            }
        }
    }

    /// Appends `memory.added` events for memories number `range` straight through `Ledger.write`, `group` per
    /// transaction, with the same payload an add stores: far faster than one awaited add per memory, for
    /// reaching a large ledger within the seeding budget. The memory projector still runs inline. Stops early
    /// (at a whole group) once `deadline` passes.
    /// - Returns: how many were appended.
    static func seedThroughLedger(
        _ ledger: Ledger, _ range: Range<Int>, group: Int = 2_000, deadline: ContinuousClock.Instant
    ) async throws -> Int {
        let clock = ContinuousClock()
        var appended = 0
        var next = range.lowerBound
        while next < range.upperBound, clock.now < deadline {
            let indexes = next..<min(next + group, range.upperBound)
            try await ledger.write { tx in
                for index in indexes {
                    let request = Self.request(index)
                    let content = request.content!
                    guard !content.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) else {
                        throw WorkloadError("memory \(index) would need JSON escapes")
                    }
                    // The payload `add` stores: keys sorted, no metadata.
                    let payload = #"{"agent_id":""# + request.agentID! + #"","content":""# + content + #"","metadata":{}}"#
                    try tx.append(
                        to: SecureRandom.uuid(), expected: .noStream,
                        events: [NewEvent(type: "memory.added", userID: Self.caller.userID, payload: Array(payload.utf8))],
                        provenance: Self.caller.provenance)
                }
            }
            appended += indexes.count
            next = indexes.upperBound
        }
        return appended
    }

    static func seconds(since start: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
        let elapsed = start.duration(to: clock.now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}
