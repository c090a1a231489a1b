import Foundation
import JSON
import Ledger
import SQLite
import Testing

@testable import Memory

/// Restore and revert change a memory's content, never who created it or when.
@Suite struct MemoryUndoTests {
    func rebuiltEqualsLive(_ store: Store, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let rebuilt = store.dir + "/rebuilt-\(UUID().uuidString).sqlite"
        try MemoryRebuilder.rebuild(from: store.service.ledger, into: rebuilt)
        let open = { (path: String) in try MemoryRebuilder.snapshot(of: try Connection(path: path, options: .init(mode: .readOnly))) }
        #expect(try open(store.database) == open(rebuilt), "incremental differs from rebuilt", sourceLocation: sourceLocation)
    }

    @Test func restoreKeepsTheCreationAndNamesTheRestorerAsLastChanger() async throws {
        let clock = ScriptedClock([1_000, 2_000, 3_000, 4_000, 5_000])
        let store = try Store(clock: { clock.next() })
        let added = try await store.service.add("likes green tea", by: caller("codex", client: "key-1"))
        _ = try await store.service.update(added.id, content: "likes black tea", caller: caller("claude", client: "key-2"))
        _ = try await store.service.delete(added.id, caller: caller("claude", client: "key-2"))
        let restored = try await store.service.restore(added.id, caller: caller("ops", client: "cli"))

        #expect(restored.createdAt == Timestamp(milliseconds: 1_000))
        #expect(restored.createdBy == Actor(agentID: "codex", clientID: "key-1"))
        #expect(restored.agentID == "codex")
        #expect(restored.updatedAt == Timestamp(milliseconds: 4_000))
        #expect(restored.updatedBy == Actor(agentID: "ops", clientID: "cli"))
        #expect(restored.content == "likes black tea" && restored.version == 4)
        #expect(try store.service.get(added.id, caller: caller()) == restored)
        try rebuiltEqualsLive(store)

        let reverted = try await store.service.revert(added.id, toVersion: 1, caller: caller("chatgpt", client: "key-3"))
        #expect(reverted.content == "likes green tea")
        #expect(reverted.createdAt == added.createdAt && reverted.createdBy == added.createdBy && reverted.agentID == "codex")
        #expect(reverted.updatedAt == Timestamp(milliseconds: 5_000))
        #expect(reverted.updatedBy == Actor(agentID: "chatgpt", clientID: "key-3"))
        try rebuiltEqualsLive(store)
    }

    /// A deleted memory is not found, and the answer says it can be restored; another user learns nothing.
    @Test func aDeletedMemoryIsNotFoundSayingRestoreBringsItBack() async throws {
        let store = try Store()
        let added = try await store.service.add("likes green tea")
        _ = try await store.service.delete(added.id, caller: caller())
        let gone = MemoryError(.notFound, "memory '\(added.id)' was deleted (version 2); restore brings it back")
        #expect(throws: gone) { try store.service.get(added.id, caller: caller()) }
        await #expect(throws: gone) { try await store.service.update(added.id, content: "likes tea", caller: caller()) }
        await #expect(throws: gone) { try await store.service.delete(added.id, caller: caller()) }
        await #expect(throws: gone) { try await store.service.revert(added.id, toVersion: 1, caller: caller()) }
        #expect(throws: MemoryError.notFound(added.id)) { try store.service.get(added.id, caller: caller(user: "bob")) }
    }

    @Test func historySaysWhichVersionARevertWentBackTo() async throws {
        let store = try Store()
        let added = try await store.service.add("likes green tea")
        _ = try await store.service.update(added.id, content: "likes black tea", caller: caller())
        _ = try await store.service.revert(added.id, toVersion: 1, caller: caller("codex"))
        let history = try store.service.history(added.id, caller: caller())
        #expect(history.map(\.event) == ["added", "updated", "updated"])
        #expect(history.map(\.revertedToVersion) == [nil, nil, 1])
        #expect(history[2].json["reverted_to_version"] == .int(1) && history[1].json["reverted_to_version"] == nil)
        #expect(history[2].content == "likes green tea")
        try rebuiltEqualsLive(store)
    }

    /// A second redaction would erase nothing but the first one's reason: it is refused, and the first
    /// reason stays in the history.
    @Test func aRedactedMemoryCannotBeRedactedAgainAndKeepsItsReason() async throws {
        let store = try Store()
        let added = try await store.service.add("my passport number is X1234567")
        _ = try await store.service.redact(added.id, reason: "user asked to forget it", caller: caller("ops"))
        let again = await #expect(throws: MemoryError.self) {
            try await store.service.redact(added.id, reason: "again", caller: caller("ops"))
        }
        #expect(again?.code == .conflict && again?.detail.contains("already redacted") == true)
        let history = try store.service.history(added.id, caller: caller())
        #expect(history.map(\.event) == ["added", "redacted"])
        #expect(history.last?.reason == "user asked to forget it")
        #expect(history.last?.json["reason"] == .string("user asked to forget it"))
        #expect(history.first?.reason == nil)
    }

    @Test func aRestoreAfterAnEarlierRestoreStillKeepsTheFirstCreation() async throws {
        let store = try Store()
        let added = try await store.service.add("lives in Porto", by: caller("codex", client: "key-1"))
        for restorer in ["a", "b"] {
            _ = try await store.service.delete(added.id, caller: caller(restorer))
            let restored = try await store.service.restore(added.id, caller: caller(restorer, client: "key-\(restorer)"))
            #expect(restored.createdAt == added.createdAt && restored.createdBy == added.createdBy)
            #expect(restored.updatedBy == Actor(agentID: restorer, clientID: "key-\(restorer)"))
        }
        try rebuiltEqualsLive(store)
    }

    /// A `memory.restored` event stored before it carried the creation (payload: the state alone)
    /// still projects as it always did: created by the restorer, at the restore's time.
    @Test func aRestoredEventWithoutTheCreationProjectsAsBefore() async throws {
        let clock = ScriptedClock([1_000, 2_000, 3_000])
        let store = try Store(clock: { clock.next() })
        let added = try await store.service.add("old shape", by: caller("codex", client: "key-1"))
        _ = try await store.service.delete(added.id, caller: caller())
        let oldPayload = Array(#"{"content":"old shape","metadata":{}}"#.utf8)
        let restorer = Provenance(agentID: "ops", clientID: "cli", transport: .cli)
        _ = try await store.service.ledger.write { tx in
            try tx.append(
                to: added.id, expected: .exact(2),
                events: [NewEvent(type: MemoryEvent.restored, userID: "alice", payload: oldPayload)], provenance: restorer)
        }
        let memory = try store.service.get(added.id, caller: caller())
        #expect(memory.content == "old shape" && memory.version == 3)
        #expect(memory.createdAt == Timestamp(milliseconds: 3_000))
        #expect(memory.createdBy == Actor(agentID: "ops", clientID: "cli"))
        try rebuiltEqualsLive(store)
    }
}
