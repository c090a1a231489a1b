import Foundation
import SQLite
import Testing

/// Imports from mem0 and the MCP reference memory server.
@Suite struct ForeignImportTests {
    struct Stored {
        var content: String
        var user: String
        var agent: String?
        var metadata: [String: Any]
    }

    func stored(_ dir: TempDirectory) throws -> [Stored] {
        try Connection(path: dir.database).query("SELECT content, user_id, agent_id, metadata FROM memories ORDER BY seq") {
            Stored(
                content: $0.string(0), user: $0.string(1), agent: $0.optionalString(2),
                metadata: (try? JSONSerialization.jsonObject(with: Data($0.string(3).utf8)) as? [String: Any]) ?? [:])
        }
    }

    func write(_ text: String, in dir: TempDirectory, name: String = "in.json") throws -> String {
        let path = dir.path + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let restList = """
        {"results": [
          {"id": "m-1", "memory": "Prefers dark mode", "user_id": "alice", "agent_id": "claude", "metadata": {"topic": "ui"},
           "created_at": "2025-01-02T03:04:05.678901+00:00", "updated_at": null},
          {"id": "m-2", "memory": "", "user_id": "alice"},
          {"id": "m-3", "user_id": "alice"},
          {"id": "m-4", "memory": "Lives in Lisbon", "user_id": "alice", "run_id": "r1", "created_at": "2025-01-03T00:00:00-08:00",
           "categories": ["personal"]}
        ], "pagination": {"limit": 50, "offset": 0, "has_more": false}}
        """

    @Test func mem0ListOutputBecomesMemoryAddedEventsWithSourceIdsAndTimes() throws {
        let dir = TempDirectory()
        let run = try memledger(["import-mem0", try write(Self.restList, in: dir), "--data", dir.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.object["added"] as? Int == 2)
        let skipped = try #require(run.object["skipped"] as? [[String: Any]])
        #expect(Set(skipped.map { $0["origin"] as? String ?? "" }) == ["record 2", "record 3"])
        let memories = try stored(dir)
        #expect(memories.map(\.content) == ["Prefers dark mode", "Lives in Lisbon"])
        #expect(memories.allSatisfy { $0.user == "alice" })
        #expect(memories[0].agent == "claude")
        #expect(memories[0].metadata["source_id"] as? String == "m-1")
        #expect(memories[0].metadata["source_created_at"] as? String == "2025-01-02T03:04:05.678Z")
        #expect(memories[0].metadata["topic"] as? String == "ui")
        #expect(memories[1].metadata["source_created_at"] as? String == "2025-01-03T08:00:00.000Z")
        #expect(memories[1].metadata["categories"] as? [String] == ["personal"])
        let events = try memledger(["audit", "--data", dir.path, "--json"]).lines
        #expect(events.map { $0["transport"] as? String } == ["import", "import"])
        #expect(events.map { $0["type"] as? String } == ["memory.added", "memory.added"])
        #expect(events.map { $0["agent_id"] as? String } == ["claude", nil])
        let byAgent = try memledger(["audit", "--data", dir.path, "--agent", "claude", "--json"]).lines
        #expect(byAgent.map { $0["stream_id"] as? String }.count == 1)

        // Importing again adds nothing: every memory is a duplicate of a live one.
        let again = try memledger(["import-mem0", dir.path + "/in.json", "--data", dir.path, "--json"])
        #expect(again.object["added"] as? Int == 0)
        #expect((again.object["duplicates"] as? [Any])?.count == 2)
    }

    @Test func mem0BareListAndOSSShapesUseTheDefaultUserWhenRecordsHaveNone() throws {
        let dir = TempDirectory()
        let bare = """
            [{"id": "1", "memory": "Drinks green tea", "hash": "h", "metadata": null, "created_at": "2024-07-20T10:24:05.123456-07:00"},
             {"id": "2", "memory": "Uses vim", "user_id": "carol"}]
            """
        let run = try memledger(["import-mem0", try write(bare, in: dir), "--data", dir.path], environment: ["MEM0_DEFAULT_USER_ID": "dana"])
        #expect(run.status == 0, "\(run.stderr)")
        let memories = try stored(dir)
        #expect(memories.map(\.user) == ["dana", "carol"])
        #expect(memories[0].metadata["source_created_at"] as? String == "2024-07-20T17:24:05.123Z")
    }

    @Test func strictRefusesAnyMalformedRecordAndAddsNothing() throws {
        let dir = TempDirectory()
        let run = try memledger(["import-mem0", try write(Self.restList, in: dir), "--data", dir.path, "--strict"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("record 3") && run.stderr.contains("nothing imported"))
        #expect(!run.stderr.contains("Prefers dark mode"), "no content in errors")
        #expect(((try? stored(dir)) ?? []).isEmpty)
        let emptyOnly = try memledger(["import-mem0", try write("[{\"memory\": \"ok\"}, {\"memory\": \"  \"}]", in: dir, name: "e"), "--data", dir.path, "--strict"])
        #expect(emptyOnly.status == 65)
        #expect(emptyOnly.stderr.contains("record 2"))
        #expect(((try? stored(dir)) ?? []).isEmpty)
        #expect(try memledger(["import-mem0", try write("not json at all", in: dir, name: "bad"), "--data", dir.path]).status == 65)
    }

    @Test func mcpMemoryGraphBecomesObservationAndRelationMemories() throws {
        let dir = TempDirectory()
        let graph = """
            {"type":"entity","name":"John_Smith","entityType":"person","observations":["Speaks fluent Spanish","Graduated in 2019"]}
            {"type":"entity","name":"Anthropic","entityType":"organization","observations":[]}
            {"type":"relation","from":"John_Smith","to":"Anthropic","relationType":"works_at"}
            {broken
            {"type":"entity","entityType":"person"}

            """
        let run = try memledger(["import-mcp-memory", try write(graph, in: dir, name: "memory.jsonl"), "--data", dir.path, "--user", "jo", "--agent", "claude", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.object["added"] as? Int == 3)
        #expect((run.object["skipped"] as? [[String: Any]])?.map { $0["origin"] as? String ?? "" } == ["line 4", "line 5"])
        let memories = try stored(dir)
        #expect(memories.map(\.content) == ["John_Smith: Speaks fluent Spanish", "John_Smith: Graduated in 2019", "John_Smith works_at Anthropic"])
        #expect(memories.allSatisfy { $0.user == "jo" && $0.agent == "claude" })
        #expect(memories[0].metadata["entity_name"] as? String == "John_Smith")
        #expect(memories[0].metadata["entity_type"] as? String == "person")
        #expect(memories[2].metadata["relation_type"] as? String == "works_at")
        let events = try memledger(["audit", "--data", dir.path, "--json"]).lines
        #expect(events.map { $0["type"] as? String } == ["memory.added", "memory.added", "memory.added"])
        #expect(events.allSatisfy { $0["transport"] as? String == "import" && $0["client_id"] as? String == "cli" && $0["user_id"] as? String == "jo" })
        #expect(try memledger(["verify", "--data", dir.path]).status == 0)
    }
}
