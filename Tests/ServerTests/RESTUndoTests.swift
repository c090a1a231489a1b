import JSON
import Testing

@testable import Server

/// Delete, restore and revert over REST: what each answers, and what it leaves of who created a memory.
@Suite struct RESTUndoTests {
    @Test func deleteAnswersTheVersionOfItsEvent() async throws {
        let f = try await ServerFixture()
        let id = try #require(try await f.add("works from Lisbon")["id"]?.stringValue)
        _ = await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "works from Porto"])
        let deleted = await f.call("DELETE", "/api/v1/memories/\(id)", key: f.writerKey)
        #expect(deleted.status == 200)
        #expect(deleted.json["version"] == 3)
        let history = try #require(await f.call("GET", "/api/v1/memories/\(id)/history", key: f.ownerKey).json["history"]?.arrayValue)
        #expect(history.last?["event"] == "deleted" && history.last?["version"] == deleted.json["version"])
        // A retry with the same Idempotency-Key answers the same version and appends nothing.
        let other = try #require(try await f.add("second memory")["id"]?.stringValue)
        let once = await f.call("DELETE", "/api/v1/memories/\(other)", key: f.ownerKey, headers: [("Idempotency-Key", "del-1")])
        let again = await f.call("DELETE", "/api/v1/memories/\(other)", key: f.ownerKey, headers: [("Idempotency-Key", "del-1")])
        #expect(once.json["version"] == 2 && again.status == 200 && again.json["version"] == 2)
    }

    @Test func restoreKeepsWhoCreatedTheMemoryAndWhen() async throws {
        let f = try await ServerFixture()
        let added = try await f.add("allergic to peanuts", agent: "codex")
        let id = try #require(added["id"]?.stringValue)
        _ = await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "allergic to peanuts and cashews"])
        _ = await f.call("DELETE", "/api/v1/memories/\(id)", key: f.ownerKey)

        let restored = await f.call("POST", "/api/v1/memories/\(id)/restore", key: f.writerKey)
        #expect(restored.status == 200)
        #expect(restored.json["created_at"] == added["created_at"])
        #expect(restored.json["created_by"] == added["created_by"])
        #expect(restored.json["agent_id"] == "codex")
        #expect(restored.json["updated_by"]?["client_id"] == "writer")

        let reverted = await f.call("POST", "/api/v1/memories/\(id)/revert", key: f.writerKey, json: ["version": 1])
        #expect(reverted.status == 200)
        #expect(reverted.json["created_at"] == added["created_at"] && reverted.json["created_by"] == added["created_by"])
        #expect(reverted.json["content"] == "allergic to peanuts")
    }

    /// DESIGN.md §6: a change's agent is the `agent_id` it names, else the credential's name; on every
    /// change, as on MCP, not only on add.
    @Test func everyChangeCreditsTheAgentItNames() async throws {
        let f = try await ServerFixture()
        let id = try #require(try await f.add("works from Lisbon", agent: "claude-code")["id"]?.stringValue)
        let path = "/api/v1/memories/\(id)"
        let updated = await f.call("PUT", path, key: f.writerKey, json: ["content": "works from Porto", "agent_id": "codex"])
        #expect(updated.json["updated_by"]?["agent_id"] == "codex" && updated.json["agent_id"] == "claude-code")
        #expect(await f.call("POST", path + "/revert", key: f.writerKey, json: ["version": 1, "agent_id": "cursor"]).status == 200)
        #expect(await f.call("DELETE", path + "?agent_id=chatgpt", key: f.writerKey).status == 200)
        #expect(await f.call("POST", path + "/restore", key: f.writerKey, json: ["agent_id": "claude-ai"]).status == 200)
        #expect(await f.call("PUT", path, key: f.writerKey, json: ["content": "works from Faro"]).status == 200)
        let events = try #require(await f.call("GET", "/api/v1/events?stream_id=\(id)", key: f.ownerKey).json["events"]?.arrayValue)
        #expect(events.map { $0["agent_id"]?.stringValue } == ["claude-code", "codex", "cursor", "chatgpt", "claude-ai", "writer"])
        #expect(await f.call("PUT", path, key: f.writerKey, json: ["content": "x", "agent_id": ""]).status == 422)
    }
}
