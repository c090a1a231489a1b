import Crypto
import Foundation
import SQLite
import Testing

@testable import Ledger

@Suite struct LedgerAppendTests {
    @Test func positionsAreGaplessAndStreamVersionsCountPerStream() async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        try await ledger.write { tx in
            try tx.append(to: "a", events: [NewEvent(type: "t", userID: "u", payload: payload("1"))], provenance: cli)
            try tx.append(to: "b", events: [NewEvent(type: "t", userID: "u", payload: payload("2"))], provenance: cli)
            try tx.append(
                to: "a",
                events: [NewEvent(type: "t", userID: "u", payload: payload("3")), NewEvent(type: "t", userID: "u", payload: payload("4"))],
                provenance: cli)
        }
        let all = try ledger.events()
        #expect(all.map(\.position) == [1, 2, 3, 4])
        #expect(all.map(\.streamID) == ["a", "b", "a", "a"])
        #expect(all.map(\.streamVersion) == [1, 1, 2, 3])
        #expect(try ledger.stream("a").map(\.payload) == [payload("1"), payload("3"), payload("4")])
        #expect(all[0].prevHash == EventHasher.zeroHash)
        #expect(all[1].prevHash == all[0].hash)
        #expect(all.allSatisfy { $0.provenance == cli })
        #expect(try ledger.verify().isValid)
    }

    @Test(arguments: [
        (ExpectedVersion.noStream, true), (.exact(1), true), (.exact(2), false), (.any, false),
    ])
    func conflictingExpectedVersionIsATypedError(expected: ExpectedVersion, conflicts: Bool) async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        // Given a stream at version 2
        try await ledger.write { tx in
            try tx.append(to: "s", expected: .noStream, events: [NewEvent(type: "t", userID: nil, payload: payload("1"))], provenance: cli)
            try tx.append(to: "s", expected: .exact(1), events: [NewEvent(type: "t", userID: nil, payload: payload("2"))], provenance: cli)
        }
        // When appending with an expected version
        let result = await Result {
            try await ledger.write { tx in
                try tx.append(to: "s", expected: expected, events: [NewEvent(type: "t", userID: nil, payload: payload("3"))], provenance: cli)
            }
        }
        // Then it conflicts exactly when the expectation is wrong, and a conflict appends nothing
        if conflicts {
            #expect(throws: LedgerError.self) { try result.get() }
            #expect((result.error as? LedgerError)?.actualVersion == 2)
            #expect(try ledger.head().position == 2)
        } else {
            #expect(try result.get().first?.streamVersion == 3)
        }
    }

    @Test func clockSteppingBackNeverMakesTimesDecrease() async throws {
        let dir = TempDirectory()
        let times = Mutex2([Int64(5_000), 9_000, 3_000, 9_500])
        var config = LedgerConfiguration()
        config.clock = { Timestamp(milliseconds: times.next()) }
        let ledger = try Ledger(path: dir.database, configuration: config)
        for i in 0..<4 {
            try await ledger.write { tx in
                try tx.append(to: "s", events: [NewEvent(type: "t", userID: nil, payload: payload("\(i)"))], provenance: cli)
            }
        }
        #expect(try ledger.events().map(\.occurredAt.milliseconds) == [5_000, 9_000, 9_000, 9_500])
    }

    @Test func concurrentWritersAreAllCommittedInOrder() async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<16 {
                group.addTask {
                    for i in 0..<20 {
                        try await ledger.write { tx in
                            try tx.append(to: "w\(w)", events: [NewEvent(type: "t", userID: nil, payload: payload("\(i)"))], provenance: cli)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try ledger.events(limit: 10_000)
        #expect(all.map(\.position) == Array(1...320))
        for w in 0..<16 {
            #expect(all.filter { $0.streamID == "w\(w)" }.map(\.streamVersion) == Array(1...20))
        }
        #expect(try ledger.verify().isValid)
    }

    @Test func aFailingJobInAGroupUndoesOnlyItself() async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        try await ledger.write { tx in
            try tx.append(to: "s", events: [NewEvent(type: "t", userID: nil, payload: payload("0"))], provenance: cli)
        }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<40 {
                group.addTask {
                    // Every even job appends; every odd one appends and then fails.
                    (try? await ledger.write { (tx: LedgerTransaction) throws -> Void in
                        try tx.append(to: "x\(i)", events: [NewEvent(type: "t", userID: nil, payload: payload("\(i)"))], provenance: cli)
                        if i % 2 == 1 { throw LedgerError.corrupt("test failure") }
                    }) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 20)
        let streams = Set(try ledger.events(limit: 100).map(\.streamID))
        #expect(streams == Set(["s"] + (0..<40).filter { $0 % 2 == 0 }.map { "x\($0)" }))
        #expect(try ledger.verify().isValid)
    }

    @Test func filteredReadsByTypeAgentClientAndTime() async throws {
        let dir = TempDirectory()
        let times = Mutex2([Int64(1_000), 2_000, 3_000])
        var config = LedgerConfiguration()
        config.clock = { Timestamp(milliseconds: times.next()) }
        let ledger = try Ledger(path: dir.database, configuration: config)
        let a = Provenance(agentID: "claude", clientID: "k1", transport: .rest)
        let b = Provenance(agentID: "codex", clientID: "k2", transport: .mcp)
        try await ledger.write { tx in try tx.append(to: "1", events: [NewEvent(type: "x.added", userID: "u", payload: payload("1"))], provenance: a) }
        try await ledger.write { tx in try tx.append(to: "2", events: [NewEvent(type: "x.updated", userID: "u", payload: payload("2"))], provenance: b) }
        try await ledger.write { tx in try tx.append(to: "3", events: [NewEvent(type: "x.added", userID: "v", payload: payload("3"))], provenance: b) }
        #expect(try ledger.events(filter: EventFilter(types: ["x.added"])).map(\.position) == [1, 3])
        #expect(try ledger.events(filter: EventFilter(agentID: "codex")).map(\.position) == [2, 3])
        #expect(try ledger.events(filter: EventFilter(clientID: "k1")).map(\.position) == [1])
        #expect(try ledger.events(filter: EventFilter(userID: "v")).map(\.position) == [3])
        #expect(try ledger.events(filter: EventFilter(since: Timestamp(milliseconds: 2_000))).map(\.position) == [2, 3])
        #expect(try ledger.events(filter: EventFilter(until: Timestamp(milliseconds: 2_000))).map(\.position) == [1, 2])
        #expect(try ledger.events(after: 1, limit: 1).map(\.position) == [2])
    }
}

/// Hands out a scripted sequence of values (the last one repeats), for an injected clock.
final class Mutex2: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int64]
    init(_ values: [Int64]) { self.values = values }
    func next() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        return values.count > 1 ? values.removeFirst() : values[0]
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
    var error: Error? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
