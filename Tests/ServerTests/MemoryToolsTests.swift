import JSON
import Ledger
import MCP
import Memory
import Server
import Testing

@Suite struct MemoryToolsListTests {
    static let readTools: Set<String> = ["search_memories", "list_memories", "get_memory", "memory_history"]
    static let writeTools: Set<String> = ["add_memory", "update_memory", "delete_memory"]

    @Test func listsEveryToolWithFullDefinitions() async throws {
        let harness = try MemoryToolsHarness()
        let response = try await harness.rpc("tools/list")
        let tools = try #require(response["result"]?["tools"]?.arrayValue)
        let names = tools.compactMap { $0["name"]?.stringValue }
        #expect(Set(names) == Self.readTools.union(Self.writeTools))
        #expect(names.count == 7)
        for tool in tools {
            let name = tool["name"]?.stringValue ?? "?"
            #expect(tool["title"]?.stringValue?.isEmpty == false, "\(name) has no title")
            #expect((tool["description"]?.stringValue?.count ?? 0) > 40, "\(name) needs a description an agent can use")
            #expect(tool["inputSchema"]?["type"] == "object", "\(name)")
            #expect(tool["inputSchema"]?["additionalProperties"] == false, "\(name)")
            #expect(tool["outputSchema"]?["type"] == "object", "\(name)")
            let annotations = try #require(tool["annotations"], "\(name) has no annotations")
            #expect(annotations["openWorldHint"] == false, "\(name)")
            #expect(annotations["readOnlyHint"]?.boolValue == Self.readTools.contains(name), "\(name)")
            if Self.readTools.contains(name) {
                #expect(tool["inputSchema"]?["properties"]?["agent_id"] == nil, "read tool \(name) must not take agent_id")
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: tools.map { ($0["name"]?.stringValue ?? "", $0) })
        #expect(byName["delete_memory"]?["annotations"]?["destructiveHint"] == true)
        #expect(byName["add_memory"]?["annotations"]?["destructiveHint"] == false)
        #expect(byName["search_memories"]?["inputSchema"]?["properties"]?["limit"]?["default"] == 15)
        #expect(byName["list_memories"]?["inputSchema"]?["properties"]?["limit"]?["default"] == 50)
        #expect(byName["search_memories"]?["inputSchema"]?["properties"]?["filters"]?["properties"]?["agent_id"] == nil)
        #expect(byName["add_memory"]?["inputSchema"]?["required"] == ["content"])
    }

    @Test func scopesMatchWhatEachToolDoes() throws {
        let harness = try MemoryToolsHarness()
        for tool in harness.server.tools {
            let expected = Self.readTools.contains(tool.name) ? Scope.read : Scope.write
            #expect(tool.requiredScope == expected.rawValue, "\(tool.name)")
        }
    }
}

@Suite struct MemoryToolsCallTests {
    @Test func addThenGetRecordsProvenance() async throws {
        let harness = try MemoryToolsHarness()
        let add = try await harness.call(
            "add_memory", ["content": "The user prefers tabs.", "agent_id": "codex", "run_id": "run-1", "metadata": ["source": "chat"]])
        #expect(!add.isError)
        let id = try #require(add.structured?["id"]?.stringValue)
        #expect(add.structured?["deduplicated"] == false)
        #expect(add.structured?["agent_id"] == "codex")
        #expect(add.structured?["created_by"]?["client_id"] == "key-test-key")
        // The text block carries the same JSON as structuredContent.
        #expect(try JSONValue.parse(Array(add.text.utf8)) == .object(try #require(add.structured)))

        let get = try await harness.call("get_memory", ["memory_id": .string(id)])
        #expect(!get.isError)
        #expect(get.structured?["content"] == "The user prefers tabs.")
        #expect(get.structured?["run_id"] == "run-1")
        #expect(get.structured?["metadata"] == ["source": "chat"])

        let history = try await harness.call("memory_history", ["memory_id": .string(id)])
        let entry = try #require(history.structured?["history"]?[0])
        #expect(entry["transport"] == "mcp")
        #expect(entry["agent_id"] == "codex")
    }

    @Test func writeWithoutAgentArgumentUsesTheCredentialName() async throws {
        let harness = try MemoryToolsHarness()
        let context = MemoryToolsHarness.context(MemoryToolsHarness.principal(agent: "laptop-claude"), transport: "stdio")
        let id = try await harness.add("Deploys go out on Tuesdays.", context: context)
        let memory = try harness.service.get(id, caller: Caller(userID: "default", provenance: Provenance(transport: .cli)))
        #expect(memory.agentID == "laptop-claude")
        let history = try harness.service.history(id, caller: Caller(userID: "default", provenance: Provenance(transport: .cli)))
        #expect(history.first?.transport == .stdio)
        #expect(history.first?.clientID == "key-laptop-claude")
    }

    @Test func repeatedAddIsDeduplicated() async throws {
        let harness = try MemoryToolsHarness()
        let first = try await harness.add("The user is allergic to peanuts.")
        let again = try await harness.call("add_memory", ["content": "the user is allergic to   peanuts."])
        #expect(again.structured?["id"] == .string(first))
        #expect(again.structured?["deduplicated"] == true)
    }

    @Test func listPagesAcrossAgents() async throws {
        let harness = try MemoryToolsHarness()
        for i in 0..<5 { _ = try await harness.add("fact number \(i)", agent: i.isMultiple(of: 2) ? "claude" : "codex") }
        let page = try await harness.call("list_memories", ["limit": 3])
        #expect(page.results.count == 3)
        #expect(page.structured?["pagination"] == ["limit": 3, "offset": 0, "has_more": true, "total": 5])
        let next = try await harness.call("list_memories", ["limit": 3, "offset": 3])
        #expect(next.results.count == 2)
        #expect(next.structured?["pagination"]?["has_more"] == false)
        let all = try await harness.call("list_memories")
        #expect(Set(all.results.compactMap { $0["agent_id"]?.stringValue }) == ["claude", "codex"])
        #expect(all.structured?["pagination"]?["limit"] == 50)
    }

    @Test func updateChangesContentAndMetadataAndKeepsHistory() async throws {
        let harness = try MemoryToolsHarness()
        let id = try await harness.add("my age is 41", agent: "claude")
        let update = try await harness.call("update_memory", ["memory_id": .string(id), "content": "my age is 43", "agent_id": "codex"])
        #expect(!update.isError)
        #expect(update.structured?["content"] == "my age is 43")
        #expect(update.structured?["version"] == 2)
        #expect(update.structured?["agent_id"] == "claude", "the memory keeps its author")
        #expect(update.structured?["updated_by"]?["agent_id"] == "codex")
        let metadata = try await harness.call("update_memory", ["memory_id": .string(id), "metadata": ["confidence": 0.5]])
        #expect(metadata.structured?["metadata"] == ["confidence": 0.5])
        #expect(metadata.structured?["content"] == "my age is 43")
        let history = try await harness.call("memory_history", ["memory_id": .string(id)])
        let entries = try #require(history.structured?["history"]?.arrayValue)
        #expect(entries.map { $0["event"] } == ["added", "updated", "updated"])
        #expect(entries[1]["previous_content"] == "my age is 41")
        #expect(entries[1]["content"] == "my age is 43")
    }

    @Test func updateWithNothingToChangeIsAnActionableError() async throws {
        let harness = try MemoryToolsHarness()
        let id = try await harness.add("something to keep")
        let call = try await harness.call("update_memory", ["memory_id": .string(id)])
        #expect(call.isError)
        #expect(call.text.contains("content"))
        #expect(call.structured?["error"] == "invalid_argument")
    }

    @Test func metadataCannotChangeTheScope() async throws {
        let harness = try MemoryToolsHarness()
        let id = try await harness.add("scoped fact", agent: "claude")
        let call = try await harness.call(
            "update_memory", ["memory_id": .string(id), "metadata": ["user_id": "x", "agent_id": "y", "topic": "z"]])
        #expect(!call.isError)
        #expect(call.structured?["user_id"] == "default")
        #expect(call.structured?["agent_id"] == "claude")
        #expect(call.structured?["metadata"] == ["topic": "z"])
        #expect(call.structured?["ignored_metadata_keys"] == ["user_id", "agent_id"])
        #expect(call.text.contains("ignored"))
    }

    @Test func deleteThenEveryToolSaysNotFound() async throws {
        let harness = try MemoryToolsHarness()
        let id = try await harness.add("short-lived fact")
        let delete = try await harness.call("delete_memory", ["memory_id": .string(id)])
        #expect(!delete.isError)
        #expect(delete.structured?["deleted"] == true)
        #expect(delete.structured?["memory_id"] == .string(id))
        for tool in ["get_memory", "delete_memory", "update_memory"] {
            var arguments: JSONObject = ["memory_id": .string(id)]
            if tool == "update_memory" { arguments["content"] = "new" }
            let call = try await harness.call(tool, arguments)
            #expect(call.isError, "\(tool)")
            #expect(call.structured == ["error": "not_found", "memory_id": .string(id)], "\(tool)")
            #expect(call.text.contains("search_memories"), "\(tool) should say how to find the right id")
        }
        // History still covers a deleted memory.
        let history = try await harness.call("memory_history", ["memory_id": .string(id)])
        #expect(history.structured?["history"]?.arrayValue?.map { $0["event"] } == ["added", "deleted"])
    }

    @Test(arguments: ["not-an-id", "00000000-0000-0000-0000-000000000000", "../../etc/passwd"])
    func unknownIDsAreNotFound(id: String) async throws {
        let harness = try MemoryToolsHarness()
        for tool in ["get_memory", "memory_history", "delete_memory"] {
            let call = try await harness.call(tool, ["memory_id": .string(id)])
            #expect(call.isError, "\(tool)")
            #expect(call.structured == ["error": "not_found", "memory_id": .string(id)], "\(tool)")
        }
    }

    @Test func anotherUsersMemoryIsNotFound() async throws {
        let harness = try MemoryToolsHarness()
        let id = try await harness.add("belongs to default")
        let other = MemoryToolsHarness.context(MemoryToolsHarness.principal(user: "someone-else"))
        let call = try await harness.call("get_memory", ["memory_id": .string(id)], context: other)
        #expect(call.structured?["error"] == "not_found")
        let search = try await harness.call("search_memories", ["query": "belongs"], context: other)
        #expect(search.results.isEmpty)
    }
}

@Suite struct MemoryToolsArgumentTests {
    @Test(arguments: [
        ("add_memory", [:] as JSONObject, "content"),
        ("add_memory", ["content": 42] as JSONObject, "content"),
        ("add_memory", ["content": "x", "user_id": "u"] as JSONObject, "user_id"),
        ("add_memory", ["content": "   "] as JSONObject, "empty"),
        ("list_memories", ["limit": 0] as JSONObject, "limit"),
        ("list_memories", ["limit": 101] as JSONObject, "limit"),
        ("list_memories", ["offset": -1] as JSONObject, "offset"),
        ("list_memories", ["agent_id": "codex"] as JSONObject, "agent_id"),
        ("get_memory", [:] as JSONObject, "memory_id"),
        ("search_memories", ["query": "x", "mode": "fuzzy"] as JSONObject, "mode"),
        ("search_memories", ["query": "x", "limit": 500] as JSONObject, "limit"),
        ("search_memories", ["query": "x", "recency_weight": 2] as JSONObject, "recency_weight"),
        ("search_memories", ["query": "x", "agent_id": "codex"] as JSONObject, "agent_id"),
        ("search_memories", ["query": "x", "filters": ["agent_id": "codex"]] as JSONObject, "agent_id"),
        ("search_memories", ["query": "x", "filters": ["user_id": "u"]] as JSONObject, "user_id"),
        ("search_memories", ["query": "x", "filters": ["metadata": ["k": ["nested": 1]]]] as JSONObject, "metadata"),
    ])
    func badArgumentsAreActionableErrors(tool: String, arguments: JSONObject, mentions: String) async throws {
        let harness = try MemoryToolsHarness()
        let call = try await harness.call(tool, arguments)
        #expect(call.isError)
        #expect(call.text.contains(mentions), "'\(call.text)' should name \(mentions)")
        #expect(call.text.contains(tool), "'\(call.text)' should name the tool")
    }

    @Test func tooLargeContentIsRefusedWithTheLimit() async throws {
        let harness = try MemoryToolsHarness()
        let call = try await harness.call("add_memory", ["content": .string(String(repeating: "a", count: 40 * 1024))])
        #expect(call.isError)
        #expect(call.structured?["error"] == "content_too_large")
        #expect(call.text.contains("\(32 * 1024)"))
        let list = try await harness.call("list_memories")
        #expect(list.results.isEmpty, "a refused add stores nothing")
    }

    @Test func readOnlyCredentialCannotWrite() async throws {
        let harness = try MemoryToolsHarness()
        let reader = MemoryToolsHarness.context(MemoryToolsHarness.principal(scopes: [.read]))
        let message: JSONValue = [
            "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": "add_memory", "arguments": ["content": "x"]],
        ]
        let reply = await harness.server.respond(to: message, context: reader)
        guard case .forbidden(let scope, _) = reply else {
            Issue.record("expected a forbidden reply, got \(reply)")
            return
        }
        #expect(scope == "memory.write")
        let list = try await harness.call("list_memories", context: reader)
        #expect(!list.isError)
        #expect(list.results.isEmpty)
    }

    @Test func missingPrincipalIsRefused() async throws {
        let harness = try MemoryToolsHarness()
        let anonymous = MCPCallContext(scopes: ["memory.read", "memory.write"], transport: "mcp", protocolVersion: "2025-11-25")
        let call = try await harness.call("add_memory", ["content": "orphan"], context: anonymous)
        #expect(call.isError)
        let page = try harness.service.list(caller: Caller(userID: "default", provenance: Provenance(transport: .cli)))
        #expect(page.memories.isEmpty)
    }
}

@Suite struct MemoryToolsSearchTests {
    /// Case 4: a memory written by one agent is found over MCP by any other.
    @Test func searchSpansAgents() async throws {
        let harness = try MemoryToolsHarness()
        let id = try await harness.add("The staging database lives on host db-7.", agent: "codex")
        let claude = MemoryToolsHarness.context(MemoryToolsHarness.principal(agent: "claude"))
        let search = try await harness.call("search_memories", ["query": "staging database host"], context: claude)
        #expect(!search.isError)
        let hit = try #require(search.results.first)
        #expect(hit["id"] == .string(id))
        #expect(hit["agent_id"] == "codex")
        #expect((hit["score"]?.doubleValue ?? 0) > 0)
        #expect(search.structured?["mode"] == "hybrid")
    }

    /// Case 6: non-English text comes back byte-identical and readable in the text block.
    @Test func nonEnglishTextRoundTripsUnescaped() async throws {
        let harness = try MemoryToolsHarness()
        let content = "我对坚果过敏 🥜 Zoë"
        let id = try await harness.add(content, agent: "claude")
        let get = try await harness.call("get_memory", ["memory_id": .string(id)])
        #expect(get.structured?["content"] == .string(content))
        #expect(Array(get.structured?["content"]?.stringValue?.utf8 ?? "".utf8) == Array(content.utf8))
        #expect(get.text.contains(content))
        #expect(!get.text.contains("\\u"), "text block must not escape non-ASCII")
        let list = try await harness.call("list_memories")
        #expect(list.results.first?["content"] == .string(content))
        #expect(list.text.contains("🥜"))
        for query in ["坚果", "zoe", "Zoë"] {
            let search = try await harness.call("search_memories", ["query": .string(query)])
            #expect(search.results.first?["id"] == .string(id), "query \(query)")
            #expect(search.results.first?["content"] == .string(content), "query \(query)")
            #expect(search.text.contains(content), "query \(query)")
        }
    }

    /// Case 12: a blank query is an invalid-argument result, never every memory.
    @Test(arguments: ["   ", "", "\t\n", "\u{3000}"])
    func blankQueryIsAnError(query: String) async throws {
        let harness = try MemoryToolsHarness()
        _ = try await harness.add("anything at all")
        let search = try await harness.call("search_memories", ["query": .string(query)])
        #expect(search.isError)
        #expect(search.results.isEmpty)
        #expect(search.text.contains("query"))
    }

    @Test func filtersNarrowByRunAndMetadata() async throws {
        let harness = try MemoryToolsHarness()
        let a = try await harness.add("favourite food is apples", extra: ["run_id": "r1", "metadata": ["food": "a"]])
        let b = try await harness.add("favourite food is bananas", extra: ["run_id": "r2", "metadata": ["food": "b"]])
        let nested = try await harness.call("search_memories", ["query": "favourite food", "filters": ["metadata": ["food": "a"]]])
        #expect(nested.results.compactMap { $0["id"]?.stringValue } == [a])
        let flat = try await harness.call("search_memories", ["query": "favourite food", "filters": ["food": "b"]])
        #expect(flat.results.compactMap { $0["id"]?.stringValue } == [b])
        let run = try await harness.call("search_memories", ["query": "favourite food", "filters": ["run_id": "r2"]])
        #expect(run.results.compactMap { $0["id"]?.stringValue } == [b])
        let both = try await harness.call("search_memories", ["query": "favourite food"])
        #expect(Set(both.results.compactMap { $0["id"]?.stringValue }) == [a, b])
    }

    @Test(arguments: SearchMode.allCases)
    func everyModeAndLimitIsHonoured(mode: SearchMode) async throws {
        let harness = try MemoryToolsHarness()
        for i in 0..<8 { _ = try await harness.add("project note \(i) about the release train") }
        let search = try await harness.call(
            "search_memories", ["query": "release train", "mode": .string(mode.rawValue), "limit": 3, "recency_weight": 0.3])
        #expect(!search.isError, "\(search.text)")
        #expect(search.results.count == 3)
        #expect(search.structured?["mode"] == .string(mode.rawValue))
    }
}

@Suite struct MemoryToolsSharedStoreTests {
    /// Case 20 in one process: two services on one database (as `serve` and a stdio `mcp` have)
    /// see each other's writes at once, through every read tool.
    @Test func twoServicesOnOneDatabaseSeeEachOthersWrites() async throws {
        let first = try MemoryToolsHarness()
        let second = try MemoryToolsHarness(sharing: first)
        let http = MemoryToolsHarness.context(MemoryToolsHarness.principal(agent: "claude"), transport: "mcp")
        let stdio = MemoryToolsHarness.context(MemoryToolsHarness.principal(agent: "codex"), transport: "stdio")
        var written: [String: String] = [:]
        for i in 0..<6 {
            let viaFirst = try await first.add("shared ledger note alpha \(i)", context: http)
            let viaSecond = try await second.add("shared ledger note beta \(i)", context: stdio)
            written[viaFirst] = "claude"
            written[viaSecond] = "codex"
        }
        for harness in [first, second] {
            let search = try await harness.call("search_memories", ["query": "shared ledger note", "limit": 50, "mode": "keyword"])
            let found = Dictionary(uniqueKeysWithValues: search.results.compactMap { hit in
                hit["id"]?.stringValue.map { ($0, hit["agent_id"]?.stringValue ?? "") }
            })
            #expect(found == written)
            let list = try await harness.call("list_memories", ["limit": 100])
            #expect(Set(list.results.compactMap { $0["id"]?.stringValue }) == Set(written.keys))
        }
        // An update through one is what the other reads next, never the stale text.
        let id = try #require(written.first { $0.value == "codex" }?.key)
        _ = try await first.call("update_memory", ["memory_id": .string(id), "content": "shared ledger note, corrected"], context: http)
        let reread = try await second.call("get_memory", ["memory_id": .string(id)], context: stdio)
        #expect(reread.structured?["content"] == "shared ledger note, corrected")
        let search = try await second.call("search_memories", ["query": "corrected", "mode": "keyword"], context: stdio)
        #expect(search.results.first?["content"] == "shared ledger note, corrected")
    }
}
