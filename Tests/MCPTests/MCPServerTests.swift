import JSON
import Testing
@testable import MCP

@Suite struct MCPServerLifecycleTests {
    let server = makeServer()

    @Test(arguments: [
        ("2025-11-25", "2025-11-25"), ("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-03-26"),
        ("2024-11-05", "2025-11-25"), ("2026-07-28", "2025-11-25"), ("1999-01-01", "2025-11-25"), ("", "2025-11-25"),
    ])
    func negotiatesVersion(requested: String, expected: String) async throws {
        let message = request("initialize", ["protocolVersion": .string(requested), "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]])
        let reply = await server.respond(to: message, context: context())
        let result = try #require(reply.body?["result"])
        #expect(result["protocolVersion"]?.stringValue == expected)
        #expect(result["capabilities"] == ["tools": ["listChanged": false]])
        #expect(result["serverInfo"]?["name"] == "memledger")
        #expect(result["serverInfo"]?["version"] == "1.2.3")
        #expect((result["serverInfo"]?["title"] != nil) == (expected >= "2025-06-18"))
        #expect(result["instructions"]?.stringValue?.contains("search_memories") == true)
    }

    @Test func initializeWithoutVersionOffersLatest() async throws {
        let reply = await server.respond(to: request("initialize", [:]), context: context())
        #expect(reply.body?["result"]?["protocolVersion"] == "2025-11-25")
        #expect(reply.body?["id"] == 1)
        #expect(reply.body?["jsonrpc"] == "2.0")
    }

    @Test func notificationsGetNoReply() async {
        for method in ["notifications/initialized", "notifications/cancelled", "notifications/unknown-thing"] {
            let message: JSONValue = ["jsonrpc": "2.0", "method": .string(method)]
            #expect(await server.respond(to: message, context: context()) == .accepted)
        }
        let response: JSONValue = ["jsonrpc": "2.0", "id": 7, "result": [:]]
        #expect(await server.respond(to: response, context: context()) == .accepted)
        #expect(await server.handle(Array("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}".utf8), context: context()) == nil)
    }

    @Test func pingAnswersEmptyObject() async throws {
        let reply = await server.respond(to: request(id: "p-1", "ping"), context: context())
        #expect(reply.body == ["jsonrpc": "2.0", "id": "p-1", "result": [:]])
    }

    @Test func unknownMethodIs32601WithEchoedID() async throws {
        let reply = await server.respond(to: request(id: 42, "resources/list"), context: context())
        guard case .response = reply else { Issue.record("expected a 200-style response, got \(reply)"); return }
        #expect(reply.body?["id"] == 42)
        #expect(reply.body?["error"]?["code"] == -32601)
        let logging = await server.respond(to: request("logging/setLevel", ["level": "info"]), context: context())
        #expect(logging.body?["error"]?["code"] == -32601)
    }

    @Test func parseErrorHasNullID() async throws {
        let reply = await server.respond(to: Array("{\"jsonrpc\":\"2.0\",".utf8), context: context())
        guard case .badRequest = reply else { Issue.record("expected badRequest"); return }
        #expect(reply.body?["id"] == .null)
        #expect(reply.body?["error"]?["code"] == -32700)
    }

    @Test(arguments: [
        "42", "\"x\"", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", "{\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":5}",
    ])
    func invalidRequestsAre32600(_ text: String) async throws {
        let reply = await server.respond(to: Array(text.utf8), context: context())
        guard case .badRequest = reply else { Issue.record("expected badRequest, got \(reply)"); return }
        #expect(reply.body?["error"]?["code"] == -32600)
    }

    @Test func serverDiscoverProbeGetsPlain400WithoutModernCodes() async throws {
        let reply = await server.respond(to: request("server/discover", [:]), context: context(version: "2025-11-25"))
        guard case .badRequest = reply else { Issue.record("expected badRequest"); return }
        let code = try #require(reply.body?["error"]?["code"]?.intValue)
        #expect([-32600, -32601, -32000].contains(code))
        #expect(!(-32022 ... -32020).contains(code))
    }
}

@Suite struct MCPBatchTests {
    let server = makeServer()
    let batch: JSONValue = [
        ["jsonrpc": "2.0", "id": 1, "method": "ping"],
        ["jsonrpc": "2.0", "method": "notifications/initialized"],
        ["jsonrpc": "2.0", "id": 2, "method": "nope"],
        ["jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": ["name": "echo", "arguments": ["text": "hi"]]],
    ]

    @Test func batchesWorkIn2025_03_26() async throws {
        let reply = await server.respond(to: batch, context: context(version: "2025-03-26"))
        let responses = try #require(reply.body?.arrayValue)
        #expect(responses.count == 3)
        #expect(responses[0] == ["jsonrpc": "2.0", "id": 1, "result": [:]])
        #expect(responses[1]["error"]?["code"] == -32601)
        #expect(responses[2]["result"]?["content"]?[0]?["text"]?.stringValue?.contains("\"echo\":\"hi\"") == true)
        // 2025-03-26 predates structuredContent.
        #expect(responses[2]["result"]?["structuredContent"] == nil)
    }

    @Test(arguments: ["2025-06-18", "2025-11-25"])
    func batchesAreRejectedFrom2025_06_18(version: String) async throws {
        let reply = await server.respond(to: batch, context: context(version: version))
        guard case .badRequest = reply else { Issue.record("expected badRequest"); return }
        #expect(reply.body?["error"]?["code"] == -32600)
    }

    @Test func batchOfNotificationsIsAccepted() async {
        let notifications: JSONValue = [["jsonrpc": "2.0", "method": "notifications/initialized"], ["jsonrpc": "2.0", "id": 9, "result": [:]]]
        #expect(await server.respond(to: notifications, context: context()) == .accepted)
    }

    @Test func emptyBatchAndBatchedInitializeAreInvalid() async throws {
        let empty = await server.respond(to: .array([]), context: context())
        #expect(empty.body?["error"]?["code"] == -32600)
        let withInitialize = await server.respond(to: [request("initialize", [:])], context: context())
        #expect(withInitialize.body?[0]?["error"]?["code"] == -32600)
    }

    @Test func forbiddenCallInsideBatchBecomesToolError() async throws {
        let reply = await server.respond(to: [call("store", ["fact": "x"])], context: context(scopes: ["read"]))
        let result = try #require(reply.body?[0]?["result"])
        #expect(result["isError"] == true)
        #expect(result["content"]?[0]?["text"]?.stringValue?.contains("'write'") == true)
    }
}

@Suite struct MCPToolTests {
    let server = makeServer()

    @Test func listsToolsWithAnnotationsAndSchemas() async throws {
        let reply = await server.respond(to: request("tools/list", ["cursor": nil]), context: context(version: "2025-11-25"))
        let tools = try #require(reply.body?["result"]?["tools"]?.arrayValue)
        #expect(tools.map { $0["name"]?.stringValue } == ["echo", "store", "find", "crash"])
        #expect(reply.body?["result"]?["nextCursor"] == nil)
        let echo = tools[0]
        #expect(echo["title"] == "Echo")
        #expect(echo["description"] == "Returns the text it was given.")
        #expect(echo["inputSchema"]?["required"] == ["text"])
        #expect(echo["outputSchema"]?["required"] == ["echo"])
        #expect(echo["annotations"] == ["title": "Echo", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false])
        #expect(tools[2]["inputSchema"] == ["type": "object", "additionalProperties": false])
        #expect(tools[1]["annotations"]?["destructiveHint"] == false)
        #expect(tools[1]["annotations"]?["readOnlyHint"] == false)
    }

    @Test func olderRevisionsGetOlderToolShapes() async throws {
        let modern = await server.respond(to: request("tools/list"), context: context(version: "2025-03-26"))
        let echo = try #require(modern.body?["result"]?["tools"]?[0])
        #expect(echo["title"] == nil)
        #expect(echo["outputSchema"] == nil)
        #expect(echo["annotations"]?["title"] == "Echo")
    }

    @Test func unknownCursorIsInvalidParams() async throws {
        let reply = await server.respond(to: request("tools/list", ["cursor": "abc"]), context: context())
        #expect(reply.body?["error"]?["code"] == -32602)
    }

    @Test func callSucceedsWithStructuredContentAndContext() async throws {
        let reply = await server.respond(to: call(id: "c1", "echo", ["text": "我对坚果过敏 🥜 Zoë", "times": 2]), context: context(version: "2025-06-18"))
        let bytes = try #require(reply.messageBytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("我对坚果过敏 🥜 Zoë"))
        #expect(!text.contains("\\u"))
        let result = try #require(reply.body?["result"])
        #expect(result["isError"] == false)
        let structured = try #require(result["structuredContent"])
        #expect(structured["echo"] == "我对坚果过敏 🥜 Zoë 我对坚果过敏 🥜 Zoë")
        #expect(structured["agent"] == "tester")
        #expect(structured["transport"] == "mcp")
        #expect(structured["rpc_id"] == "c1")
        #expect(structured["version"] == "2025-06-18")
        #expect(structured["principal"] == "owner")
        // The text block is the same data as JSON, for clients without structuredContent.
        let block = try #require(result["content"]?[0])
        #expect(block["type"] == "text")
        #expect(try JSONValue.parse(try #require(block["text"]?.stringValue)) == structured)
    }

    @Test func unknownToolIsInvalidParams() async throws {
        let reply = await server.respond(to: call("nonexistent", [:]), context: context())
        #expect(reply.body?["error"]?["code"] == -32602)
        #expect(reply.body?["error"]?["message"]?.stringValue?.contains("nonexistent") == true)
        let nameless = await server.respond(to: request("tools/call", ["arguments": [:]]), context: context())
        #expect(nameless.body?["error"]?["code"] == -32602)
        let badArguments = await server.respond(to: request("tools/call", ["name": "echo", "arguments": [1]]), context: context())
        #expect(badArguments.body?["error"]?["code"] == -32602)
    }

    @Test(arguments: [
        ([:] as JSONValue, "missing required argument 'text' (string)"),
        (["text": nil], "missing required argument 'text'"),
        (["text": 5], "'text' must be a string, got integer"),
        (["text": ""], "'text' must not be empty"),
        (["text": "a", "times": "2"], "'times' must be an integer, got string"),
        (["text": "a", "times": 1.5], "'times' must be an integer, got number"),
        (["text": "a", "times": 9], "'times' must be at most 3"),
        (["text": "a", "times": 0], "'times' must be at least 1"),
        (["text": "a", "mode": "quiet"], "'mode' must be one of: plain, loud"),
        (["text": "a", "tags": ["x", 2]], "'tags[1]' must be a string, got integer"),
        (["text": "a", "colour": "red"], "unknown argument 'colour'"),
        (["txt": "a"], "unknown argument 'txt'; did you mean 'text'?"),
    ] as [(JSONValue, String)])
    func invalidArgumentsAreActionableToolErrors(arguments: JSONValue, expected: String) async throws {
        let reply = await server.respond(to: call("echo", arguments), context: context())
        let result = try #require(reply.body?["result"], "validation failures are results, not JSON-RPC errors (SEP-1303)")
        #expect(result["isError"] == true)
        let text = try #require(result["content"]?[0]?["text"]?.stringValue)
        #expect(text.contains(expected))
        #expect(text.contains("Expected: text (string, required)"))
    }

    @Test func integralDoublesAndMissingArgumentsObject() async throws {
        let reply = await server.respond(to: call("echo", ["text": "a", "times": 2.0]), context: context())
        #expect(reply.body?["result"]?["isError"] == false)
        let noArguments = await server.respond(to: request("tools/call", ["name": "find"]), context: context())
        #expect(noArguments.body?["result"]?["isError"] == true)
    }

    @Test func thrownToolErrorKeepsMessageAndStructuredContent() async throws {
        let reply = await server.respond(to: call("find", [:]), context: context(version: "2025-11-25"))
        let result = try #require(reply.body?["result"])
        #expect(result["isError"] == true)
        #expect(result["content"]?[0]?["text"] == "No memory with that id.")
        #expect(result["structuredContent"] == ["error": "not_found"])
    }

    @Test func otherThrownErrorsAreGeneric() async throws {
        let reply = await server.respond(to: call("crash", [:]), context: context(scopes: []))
        let result = try #require(reply.body?["result"])
        #expect(result["isError"] == true)
        let text = try #require(result["content"]?[0]?["text"]?.stringValue)
        #expect(text.contains("internal error"))
        #expect(!text.contains("Secret"))
    }

    @Test func missingScopeIsForbidden() async throws {
        let reply = await server.respond(to: call(id: 5, "store", ["fact": "x"]), context: context(scopes: ["read"]))
        guard case .forbidden(let scope, let fallback) = reply else { Issue.record("expected forbidden, got \(reply)"); return }
        #expect(scope == "write")
        let body = try JSONValue.parse(fallback)
        #expect(body["id"] == 5)
        #expect(body["result"]?["isError"] == true)
        let allowed = await server.respond(to: call("store", ["fact": "x"]), context: context(scopes: ["write"]))
        #expect(allowed.body?["result"]?["isError"] == false)
    }

    @Test func scopeIsCheckedBeforeArguments() async throws {
        let reply = await server.respond(to: call("store", [:]), context: context(scopes: []))
        guard case .forbidden = reply else { Issue.record("expected forbidden, got \(reply)"); return }
    }
}
