import HTTP
import JSON
import Testing

@testable import Server

@Suite struct RESTOperationsTests {
    @Test func healthReadyAndMetricsAreOpen() async throws {
        let f = try await ServerFixture()
        #expect(await f.call("GET", "/healthz").json == ["status": "ok"])
        let ready = await f.call("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["ledger_position"]?.intValue ?? 0 >= 4)
        _ = try await f.add("counted")
        _ = await f.call("GET", "/api/v1/memories/nope", key: f.ownerKey)
        let metrics = await f.call("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(metrics.text.contains("memledger_http_requests_total{route=\"/api/v1/memories/{id}\",method=\"GET\",status=\"404\"} 1"))
        #expect(metrics.text.contains("memledger_http_request_duration_seconds_bucket{route=\"/api/v1/memories\",le=\"+Inf\"} 1"))
        #expect(metrics.text.contains("memledger_memories_live 1"))
        #expect(metrics.text.contains("memledger_ledger_position 5"))
        #expect(metrics.text.contains("memledger_embedder_errors_total 0"))
    }

    @Test func unknownRoutesAre404AndWrongMethods405() async throws {
        let f = try await ServerFixture()
        let missing = await f.call("GET", "/api/v2/nothing")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let wrong = await f.call("PATCH", "/api/v1/memories", key: f.ownerKey)
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "POST, GET")
        #expect(await f.call("HEAD", "/healthz").response.body.isEmpty)
    }

    @Test func requestIdsAreEchoedOrMinted() async throws {
        let f = try await ServerFixture()
        #expect(await f.call("GET", "/healthz", headers: [("X-Request-Id", "trace-123")]).header("X-Request-Id") == "trace-123")
        let minted = await f.call("GET", "/healthz", headers: [("X-Request-Id", "bad\"id")]).header("X-Request-Id")
        #expect(minted?.hasPrefix("req_") == true)
    }

    @Test func eventsFeedPagesAndScopesToTheUser() async throws {
        let f = try await ServerFixture()
        for i in 0..<3 { _ = try await f.add("alice fact \(i)") }
        _ = try await f.add("bob fact", key: f.bobKey)
        let all = await f.call("GET", "/api/v1/events?limit=1000", key: f.ownerKey)
        #expect(all.status == 200)
        let events = try #require(all.json["events"]?.arrayValue)
        #expect(events.count == 8)  // 4 key creations + 4 adds
        #expect(events.map { $0["position"]?.intValue ?? 0 } == Array(1...8))
        #expect(!all.text.contains("mlk_"))

        let page = await f.call("GET", "/api/v1/events?after=5&limit=2", key: f.ownerKey)
        #expect(page.json["events"]?.arrayValue?.map { $0["position"] } == [6, 7])
        #expect(page.json["has_more"] == true)
        #expect(page.json["next_after"] == 7)

        let mine = await f.call("GET", "/api/v1/events?type=memory.added", key: f.readerKey)
        let types = mine.json["events"]?.arrayValue ?? []
        #expect(types.count == 3)
        #expect(types.allSatisfy { $0["user_id"] == "alice" && $0["payload"]?["content"] != nil })
        #expect(await f.call("GET", "/api/v1/events?user_id=bob", key: f.readerKey).status == 403)
        #expect(await f.call("GET", "/api/v1/events?user_id=bob", key: f.ownerKey).json["events"]?.arrayValue?.count == 2)
        #expect(await f.call("GET", "/api/v1/events?after=-1", key: f.ownerKey).status == 422)
        #expect(await f.call("GET", "/api/v1/events?since=now", key: f.ownerKey).status == 422)
    }

    @Test func eventTypesAreCheckedAndMayLeaveOutTheMemoryPrefix() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("a fact")
        let short = await f.call("GET", "/api/v1/events?type=added,auth.key_created", key: f.ownerKey)
        #expect(short.status == 200)
        #expect(Set(short.json["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []) == ["memory.added", "auth.key_created"])
        for bad in ["memory.add", "memory.added,nope"] {
            let answer = await f.call("GET", "/api/v1/events?type=\(bad)", key: f.ownerKey)
            #expect(answer.status == 422, "type=\(bad)")
            #expect(answer.json["detail"]?.stringValue?.contains("known types: memory.added") == true)
        }
        #expect(await f.call("GET", "/api/v1/events?type=Added", key: f.ownerKey).status == 200)
        let near = await f.call("GET", "/api/v1/events?type=add", key: f.ownerKey).json["detail"]?.stringValue ?? ""
        #expect(near.contains("did you mean 'added'?") && near.contains("the memory. prefix may be left out"))
        let stray = await f.call("GET", "/api/v1/events?type=added,", key: f.ownerKey).json["detail"]?.stringValue ?? ""
        #expect(stray.contains("an empty event type in the list (a stray comma?)"))
    }

    /// A misspelt filter would otherwise widen the answer to every memory without a word.
    @Test func listAndEventsRefuseQueryParametersTheyDoNotTake() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("a fact", agent: "codex")
        let typo = await f.call("GET", "/api/v1/memories?agentid=codex", key: f.ownerKey)
        #expect(typo.status == 422)
        #expect(typo.json["detail"]?.stringValue?.contains("unknown query parameter 'agentid'") == true)
        #expect(typo.json["detail"]?.stringValue?.contains("agent_id") == true)
        #expect(await f.call("GET", "/api/v1/memories?agent_id=codex&metadata.topic=x&limit=5", key: f.ownerKey).status == 200)
        #expect(await f.call("GET", "/api/v1/events?streamid=x", key: f.ownerKey).status == 422)
    }

    @Test func openAPIDocumentsEveryRoute() async throws {
        let f = try await ServerFixture()
        let answer = await f.call("GET", "/openapi.json")
        #expect(answer.status == 200)
        #expect(answer.json["openapi"]?.stringValue?.hasPrefix("3.1") == true)
        let paths = try #require(answer.json["paths"]?.objectValue)
        for (method, pattern) in f.app.responder.table where !pattern.hasPrefix("/mcp") {
            #expect(paths[pattern]?[method.lowercased()] != nil, "\(method) \(pattern) is not in /openapi.json")
        }
        for (path, operations) in paths {
            for (method, _) in operations.objectValue ?? [:] where method != "parameters" {
                #expect(f.app.responder.table.contains { $0.pattern == path && $0.method.lowercased() == method }, "\(method) \(path) is documented but not routed")
            }
        }
    }

    /// The server accepts any text with a non-blank character; the document must not promise less
    /// to a client that validates against it (CJK-only content is valid).
    @Test func openAPITextPatternAcceptsAnyNonBlankText() throws {
        let document = try JSONValue.parse(OpenAPIDocument.bytes)
        let content = try #require(document["components"]?["schemas"]?["AddRequest"]?["properties"]?["content"])
        let pattern = try #require(content["pattern"]?.stringValue)
        let regex = try Regex(pattern)
        for text in ["東京の天気", "🙂", "x", " a "] {
            #expect(text.contains(regex), "\(text) does not match \(pattern)")
        }
        for blank in ["", " ", "\n\t"] {
            #expect(!blank.contains(regex), "blank text matches \(pattern)")
        }
    }

    /// The document's pattern for `GET /events?type=` takes every type the server knows, short names too.
    @Test func openAPIEventTypePatternTakesEveryKnownType() throws {
        let document = try JSONValue.parse(OpenAPIDocument.bytes)
        let parameters = try #require(document["paths"]?["/api/v1/events"]?["get"]?["parameters"]?.arrayValue)
        let type = try #require(parameters.first { $0["name"] == "type" })
        let regex = try Regex(try #require(type["schema"]?["pattern"]?.stringValue))
        for known in EventTypes.known {
            #expect(known.wholeMatch(of: regex) != nil, "\(known)")
        }
        #expect("added,deleted".wholeMatch(of: regex) != nil)
        #expect("memory.add".wholeMatch(of: regex) == nil)
    }

    @Test func mcpIsMountedOnBothPathsWithTheSameCredentials() async throws {
        let f = try await ServerFixture()
        let initialize: JSONValue = [
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]],
        ]
        for path in ["/mcp", "/mcp/"] {
            let anonymous = await f.call("POST", path, json: initialize, headers: [("Accept", "application/json, text/event-stream")])
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            let answer = await f.call("POST", path, key: f.readerKey, json: initialize, headers: [("Accept", "application/json, text/event-stream")])
            #expect(answer.status == 200)
            #expect(answer.json["result"]?["serverInfo"]?["name"] == "memledger")
        }
    }
}

@Suite struct MCPMountTests {
    func rpc(_ f: ServerFixture, _ key: String, _ method: String, _ params: JSONValue) async -> ServerFixture.Answer {
        await f.call("POST", "/mcp", key: key, json: ["jsonrpc": "2.0", "id": 7, "method": .string(method), "params": params],
                     headers: [("Accept", "application/json, text/event-stream"), ("MCP-Protocol-Version", "2025-06-18")])
    }

    @Test func memoryToolsActAsTheKeysPrincipal() async throws {
        let f = try await ServerFixture()
        let tools = await rpc(f, f.readerKey, "tools/list", [:])
        #expect(tools.json["result"]?["tools"]?.arrayValue?.count == 7)
        let added = await rpc(f, f.writerKey, "tools/call", ["name": "add_memory", "arguments": ["content": "added over MCP"]])
        #expect(added.status == 200)
        #expect(added.json["result"]?["isError"] != true)
        let listed = await f.call("GET", "/api/v1/memories", key: f.readerKey)
        let memory = try #require(listed.json["results"]?.arrayValue?.first)
        #expect(memory["content"] == "added over MCP")
        #expect(memory["created_by"]?["client_id"] == "writer")
        #expect(memory["user_id"] == "alice")
        let refused = await rpc(f, f.readerKey, "tools/call", ["name": "add_memory", "arguments": ["content": "reader may not"]])
        #expect(refused.status == 403 || refused.json["result"]?["isError"] == true || refused.json["error"] != nil)
        #expect(await f.call("GET", "/api/v1/memories", key: f.readerKey).json["pagination"]?["total"] == 1)
    }
}
