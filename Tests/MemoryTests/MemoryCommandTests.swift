import Foundation
import JSON
import Ledger
import Testing

@testable import Memory

@Suite struct MemoryCommandTests {
    @Test func addThenGetReturnsTheContentExactlyAndRecordsProvenance() async throws {
        let store = try Store()
        let added = try await store.service.add("prefers dark mode", by: caller("codex"), metadata: ["source": "chat"], runID: "r1")
        let got = try store.service.get(added.id, caller: caller("someone-else"))
        #expect(got == added)
        #expect(got.content == "prefers dark mode")
        #expect(got.agentID == "codex" && got.runID == "r1" && got.version == 1)
        #expect(got.createdBy == Actor(agentID: "codex", clientID: "key-1"))
        #expect(got.metadata == ["source": "chat"])
        let event = try #require(try store.service.ledger.stream(added.id).first)
        #expect(event.type == "memory.added" && event.userID == "alice" && event.provenance.transport == .rest)
    }

    // Case 1: the same content twice.
    @Test func anExactRepeatIsDeduplicatedAndNamesTheExistingMemory() async throws {
        let store = try Store()
        let first = try await store.service.add(AddRequest(content: "Likes  Tea"), caller: caller())
        let second = try await store.service.add(AddRequest(content: "likes tea "), caller: caller("codex"))
        #expect(second.entries[0].deduplicated)
        #expect(second.entries[0].memory.id == first.entries[0].memory.id)
        #expect(try store.service.list(caller: caller()).total == 1)
        #expect(try store.service.history(first.entries[0].memory.id, caller: caller()).map(\.event) == ["added"])
        // Another user's identical content is theirs alone.
        let other = try await store.service.add(AddRequest(content: "Likes  Tea"), caller: caller(user: "bob"))
        #expect(!other.entries[0].deduplicated)
    }

    // Case 2: concurrent identical adds.
    @Test func tenConcurrentIdenticalAddsStoreOneMemory() async throws {
        let store = try Store()
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<10 { group.addTask { try await store.service.add("allergic to peanuts", by: caller("agent\(i)")).id } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try store.service.list(caller: caller()).total == 1)
        #expect(try store.service.ledger.head().position == 1)
    }

    // Case 5: scope keys in metadata.
    @Test func identityKeysInMetadataCannotMoveAMemory() async throws {
        let store = try Store()
        let m = try await store.service.add("works at Acme", by: caller("claude"))
        let (updated, ignored) = try await store.service.update(m.id, metadata: ["user_id": "x", "agent_id": "y", "team": "blue"], caller: caller())
        #expect(Set(ignored) == ["user_id", "agent_id"])
        #expect(updated.userID == "alice" && updated.agentID == "claude")
        #expect(updated.metadata == ["team": "blue"])
        let result = try await store.service.add(AddRequest(content: "x", metadata: ["run_id": "r9"]), caller: caller())
        #expect(result.ignoredMetadataKeys == ["run_id"] && result.entries[0].memory.runID == nil)
        await #expect(throws: MemoryError.notFound(m.id)) { try await store.service.update(m.id, content: "y", caller: caller(user: "x")) }
    }

    // Case 6: non-English text comes back byte-identical.
    @Test(arguments: ["我对坚果过敏 🥜 Zoë", "日本語のテキスト", "emoji 👩‍👩‍👧 family", "naïve café"])
    func unicodeContentRoundTripsExactly(content: String) async throws {
        let store = try Store()
        let m = try await store.service.add(content)
        #expect(Array(try store.service.get(m.id, caller: caller()).content!.utf8) == Array(content.utf8))
        #expect(try store.service.list(caller: caller()).memories.first?.content == content)
    }

    @Test func contentIsStoredInNFC() async throws {
        let store = try Store()
        let decomposed = "Zoe\u{0308}"  // e + combining diaeresis
        let m = try await store.service.add(decomposed)
        #expect(m.content == "Zo\u{00EB}")
        #expect(Array(m.content!.utf8) == Array("Zoë".utf8))
    }

    // Case 7: large input.
    @Test func contentUnderTheLimitIsStoredWholeAndOverItIsRefusedNamingTheLimit() async throws {
        let store = try Store()
        let prose = String(repeating: "All work and no play makes a dull memory. ", count: 480)  // ≈ 20 KiB
        let m = try await store.service.add(prose)
        #expect(m.content == prose)
        let huge = String(repeating: "x", count: 2 * 1024 * 1024)
        await #expect {
            try await store.service.add(huge)
        } throws: { error in
            let e = error as? MemoryError
            return e?.code == .contentTooLarge && e?.detail.contains("32768") == true
        }
        #expect(try store.service.list(caller: caller()).total == 1)
    }

    @Test(arguments: ["", "   ", "\n\t "])
    func blankContentIsRefused(content: String) async throws {
        let store = try Store()
        await #expect(throws: MemoryError.self) { try await store.service.add(content) }
        #expect(try store.service.ledger.head().position == 0)
    }

    @Test func messagesBecomeOneMemoryEachWithTheRoleInMetadata() async throws {
        let store = try Store()
        let result = try await store.service.add(
            AddRequest(messages: [("user", "I live in Lisbon"), ("assistant", "Noted: Lisbon")]), caller: caller())
        #expect(result.entries.map(\.memory.content) == ["I live in Lisbon", "Noted: Lisbon"])
        #expect(result.entries.map(\.memory.metadata["role"]) == [.string("user"), .string("assistant")])
    }

    // Case 8: bulk delete.
    @Test func bulkDeleteCountsWithoutConfirmAndDeletesOnlyTheFilteredAgent() async throws {
        let store = try Store(durable: false)
        for i in 0..<150 { try await store.service.add("fact A\(i)", by: caller("A")) }
        for i in 0..<5 { try await store.service.add("fact B\(i)", by: caller("B")) }
        let dry = try await store.service.bulkDelete(filter: MemoryFilter(agentID: "A"), caller: caller())
        #expect(dry == BulkDeleteResult(matched: 150, deleted: 0, dryRun: true))
        #expect(try store.service.list(caller: caller()).total == 155)
        let done = try await store.service.bulkDelete(filter: MemoryFilter(agentID: "A"), confirm: true, caller: caller())
        #expect(done.deleted == 150)
        #expect(try store.service.list(filter: MemoryFilter(agentID: "A"), caller: caller()).total == 0)
        #expect(try store.service.list(filter: MemoryFilter(agentID: "B"), caller: caller()).total == 5)
        await #expect(throws: MemoryError.self) { try await store.service.bulkDelete(filter: MemoryFilter(), confirm: true, caller: caller()) }
    }

    // Case 9: history.
    @Test func historyListsAddUpdateDeleteInOrderWithWhoAndWhen() async throws {
        let store = try Store()
        let m = try await store.service.add("lives in Porto", by: caller("claude"))
        _ = try await store.service.update(m.id, content: "lives in Lisbon", caller: caller("codex"))
        _ = try await store.service.delete(m.id, caller: caller("claude", client: "key-2"))
        let history = try store.service.history(m.id, caller: caller())
        #expect(history.map(\.event) == ["added", "updated", "deleted"])
        #expect(history[1].previousContent == "lives in Porto" && history[1].content == "lives in Lisbon")
        #expect(history.map(\.agentID) == ["claude", "codex", "claude"])
        #expect(history[2].clientID == "key-2")
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.at <= $1.at })
        #expect(history.allSatisfy { $0.at.rfc3339.hasSuffix("Z") && $0.at.rfc3339.count == 24 })
    }

    // Case 10: stale reads.
    @Test func readsReturnTheUpdatedText() async throws {
        let store = try Store()
        let m = try await store.service.add("my age is 41")
        _ = try await store.service.update(m.id, content: "my age is 43", caller: caller())
        #expect(try store.service.get(m.id, caller: caller()).content == "my age is 43")
        #expect(try store.service.list(caller: caller()).memories.map(\.content) == ["my age is 43"])
    }

    @Test func updateWithAStaleExpectedVersionIsAConflict() async throws {
        let store = try Store()
        let m = try await store.service.add("v1")
        _ = try await store.service.update(m.id, content: "v2", expectedVersion: 1, caller: caller())
        await #expect {
            _ = try await store.service.update(m.id, content: "v3", expectedVersion: 1, caller: caller())
        } throws: { ($0 as? MemoryError)?.code == .versionConflict }
        #expect(try store.service.get(m.id, caller: caller()).content == "v2")
    }

    // Case 13: limits and pagination.
    @Test func listPagesSayHasMore() async throws {
        let store = try Store(durable: false)
        for i in 0..<30 { try await store.service.add("memory number \(i)") }
        let first = try store.service.list(limit: 20, caller: caller())
        #expect(first.memories.count == 20 && first.hasMore && first.total == 30)
        let second = try store.service.list(limit: 20, offset: 20, caller: caller())
        #expect(second.memories.count == 10 && !second.hasMore)
        #expect(Set(first.memories.map(\.id)).isDisjoint(with: second.memories.map(\.id)))
        #expect(throws: MemoryError.self) { try store.service.list(limit: 0, caller: caller()) }
        #expect(throws: MemoryError.self) { try store.service.list(limit: 101, caller: caller()) }
    }

    // Case 14: one UTC format; update keeps created_at.
    @Test func timesAreUTCInOneFormatAndUpdateKeepsCreatedAt() async throws {
        let clock = ScriptedClock([1_700_000_000_123, 1_700_000_060_456])
        let store = try Store(clock: { clock.next() })
        let m = try await store.service.add("a")
        let u = try await store.service.update(m.id, content: "b", caller: caller()).memory
        #expect(m.createdAt.rfc3339 == "2023-11-14T22:13:20.123Z")
        #expect(u.createdAt == m.createdAt && u.updatedAt.rfc3339 == "2023-11-14T22:14:20.456Z")
    }

    // Case 18: malformed ids.
    @Test(arguments: ["not-an-id", "", "../../etc/passwd", "'; DROP TABLE events; --", String(repeating: "9", count: 5000)])
    func malformedIdsAreNotFound(id: String) async throws {
        let store = try Store()
        #expect(throws: MemoryError.notFound(id)) { try store.service.get(id, caller: caller()) }
        await #expect(throws: MemoryError.notFound(id)) { try await store.service.delete(id, caller: caller()) }
        #expect(throws: MemoryError.notFound(id)) { try store.service.history(id, caller: caller()) }
    }

    // Case 19: tombstones.
    @Test func addingDeletedContentAgainWorksAndKeepsTheEarlierHistory() async throws {
        let store = try Store()
        let first = try await store.service.add("X")
        _ = try await store.service.delete(first.id, caller: caller())
        let second = try await store.service.add("X")
        #expect(second.id != first.id)
        #expect(try store.service.history(first.id, caller: caller()).map(\.event) == ["added", "deleted"])
        #expect(try store.service.ledger.events().map(\.type) == ["memory.added", "memory.deleted", "memory.added"])
    }

    @Test func restoreBringsADeletedMemoryBackAndRevertSetsAnOldVersion() async throws {
        let store = try Store()
        let m = try await store.service.add("first text", metadata: ["k": 1])
        _ = try await store.service.update(m.id, content: "second text", metadata: ["k": 2], caller: caller())
        _ = try await store.service.delete(m.id, caller: caller())
        let restored = try await store.service.restore(m.id, caller: caller())
        #expect(restored.content == "second text" && restored.version == 4)
        let reverted = try await store.service.revert(m.id, toVersion: 1, caller: caller())
        #expect(reverted.content == "first text" && reverted.metadata == ["k": 1] && reverted.version == 5)
        #expect(try store.service.history(m.id, caller: caller()).map(\.event) == ["added", "updated", "deleted", "restored", "updated"])
        await #expect(throws: MemoryError.self) { try await store.service.restore(m.id, caller: caller()) }
        await #expect(throws: MemoryError.self) { try await store.service.revert(m.id, toVersion: 9, caller: caller()) }
    }

    @Test func anIdempotentRetryReturnsTheFirstAnswerAndADifferentRequestIsRefused() async throws {
        let store = try Store()
        let a = try await store.service.add(AddRequest(content: "once"), caller: caller(key: "k1"))
        let b = try await store.service.add(AddRequest(content: "once"), caller: caller(key: "k1"))
        #expect(a == b && !b.entries[0].deduplicated)
        #expect(try store.service.ledger.head().position == 1)
        await #expect {
            _ = try await store.service.add(AddRequest(content: "twice"), caller: caller(key: "k1"))
        } throws: { ($0 as? MemoryError)?.code == .idempotencyKeyReused }
    }
}

/// Hands out scripted times (the last repeats), for an injected clock.
final class ScriptedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int64]
    init(_ values: [Int64]) { self.values = values }
    func next() -> Timestamp {
        lock.lock()
        defer { lock.unlock() }
        return Timestamp(milliseconds: values.count > 1 ? values.removeFirst() : values[0])
    }
}

@Suite struct ContentNormalizerTests {
    @Test(arguments: ["Likes  Tea", " likes\ttea\n", "LIKES TEA", "a\u{0B}b", "x", "  ", "Already folded text 123!?"])
    func theASCIIFastPathEqualsTheGeneralPath(text: String) {
        let general = text.folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCanonicalMapping
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        #expect(ContentNormalizer.asciiFolded(text) == Array(general.utf8))
    }

    @Test func nonASCIITakesTheGeneralPath() {
        #expect(ContentNormalizer.asciiFolded("Zoë") == nil)
        #expect(ContentNormalizer.fingerprint("ZOË  likes") == ContentNormalizer.fingerprint("zoë likes"))
    }
}
