import JSON
import Testing
@testable import MCP

/// The fake credential check the composition layer would supply.
@Sendable func testAuthenticate(_ header: String?) async -> MCPAuthOutcome {
    switch header {
    case nil: return .missing
    case "Bearer good"?: return .authenticated(principal: TestPrincipal(keyName: "owner"), scopes: ["read", "write"], agentName: "owner-key")
    case "Bearer reader"?: return .authenticated(principal: TestPrincipal(keyName: "reader"), scopes: ["read"], agentName: "reader-key")
    case "Bearer throttled"?: return .throttled(retryAfter: 17)
    default: return .invalid
    }
}

struct HTTPHarness {
    let handler: MCPStreamableHTTP

    init(configuration: MCPStreamableHTTP.Configuration = MCPStreamableHTTP.Configuration()) {
        handler = MCPStreamableHTTP(server: makeServer(), configuration: configuration)
    }

    func send(_ method: String = "POST", body: String = "", headers: [(String, String)] = [], replacing: Bool = false) async -> MCPHTTPResponse {
        let defaults: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
            ("Authorization", "Bearer good"),
        ]
        var merged = replacing ? [] : defaults.filter { name, _ in !headers.contains { asciiCaseInsensitiveEqual($0.0, name) } }
        merged += headers
        let request = MCPHTTPRequest(method: method, path: "/mcp", headers: merged, body: Array(body.utf8), requestID: "r-9")
        return await handler.handle(request, authenticate: testAuthenticate)
    }
}

extension MCPHTTPResponse {
    var json: JSONValue? { try? JSONValue.parse(body) }
}

let initializeBody = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
let pingBody = #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#

@Suite struct MCPStreamableHTTPStatusTests {
    let http = HTTPHarness()

    @Test func initializeIs200JSON() async throws {
        let response = await http.send(body: initializeBody)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.json?["result"]?["protocolVersion"] == "2025-11-25")
        #expect(response.header("Mcp-Session-Id") == nil, "stateless: no session is issued")
    }

    @Test func notificationsAndResponsesAre202WithoutBody() async {
        let notification = await http.send(body: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: [("MCP-Protocol-Version", "2025-11-25")])
        #expect(notification.status == 202)
        #expect(notification.body.isEmpty)
        let response = await http.send(body: #"{"jsonrpc":"2.0","id":"s1","result":{}}"#)
        #expect(response.status == 202)
    }

    @Test func badJSONIs400WithParseErrorAndNullID() async {
        let response = await http.send(body: "{\"jsonrpc\":")
        #expect(response.status == 400)
        #expect(response.json?["error"]?["code"] == -32700)
        #expect(response.json?["id"] == .null)
        #expect(await http.send(body: "").status == 400)
    }

    @Test func notJSONRPCIs400With32600() async {
        let response = await http.send(body: #"{"hello":"world"}"#)
        #expect(response.status == 400)
        #expect(response.json?["error"]?["code"] == -32600)
    }

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded", "application/jsonl"] as [String?])
    func wrongContentTypeIs415(_ contentType: String?) async {
        var headers: [(String, String)] = [("Accept", "application/json"), ("Authorization", "Bearer good")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        let response = await http.send(body: pingBody, headers: headers, replacing: true)
        #expect(response.status == 415)
    }

    @Test(arguments: ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"])
    func jsonContentTypesAreAccepted(_ contentType: String) async {
        #expect(await http.send(body: pingBody, headers: [("Content-Type", contentType)]).status == 200)
    }

    @Test(arguments: ["text/event-stream", "text/html", "application/json;q=0, text/event-stream", "image/png"])
    func acceptExcludingJSONIs406(_ accept: String) async {
        #expect(await http.send(body: pingBody, headers: [("Accept", accept)]).status == 406)
    }

    @Test(arguments: ["*/*", "application/json", "application/*", "text/event-stream, application/json", ""])
    func lenientAccept(_ accept: String) async {
        #expect(await http.send(body: pingBody, headers: [("Accept", accept)]).status == 200)
        let without = await http.send(body: pingBody, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer good")], replacing: true)
        #expect(without.status == 200)
    }

    @Test(arguments: ["GET", "DELETE", "PUT", "PATCH"])
    func otherMethodsAre405WithAllowPost(_ method: String) async {
        let response = await http.send(method, headers: [("Accept", "text/event-stream")])
        #expect(response.status == 405)
        #expect(response.header("Allow") == "POST")
    }

    @Test func headIsLikeGetWithoutBody() async {
        let authorized = await http.send("HEAD")
        #expect(authorized.status == 405)
        #expect(authorized.header("Allow") == "POST")
        #expect(authorized.body.isEmpty)
        let anonymous = await http.send("HEAD", headers: [("Accept", "*/*")], replacing: true)
        #expect(anonymous.status == 401)
        #expect(anonymous.body.isEmpty)
        #expect(anonymous.header("WWW-Authenticate") != nil)
    }

    @Test func unknownMethodIs200WithError() async {
        let response = await http.send(body: #"{"jsonrpc":"2.0","id":3,"method":"resources/list"}"#, headers: [("MCP-Protocol-Version", "2025-06-18")])
        #expect(response.status == 200)
        #expect(response.json?["error"]?["code"] == -32601)
    }

    @Test func serverDiscoverProbeIs400WithFallbackCode() async throws {
        let response = await http.send(body: #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}"#)
        #expect(response.status == 400)
        let code = try #require(response.json?["error"]?["code"]?.intValue)
        #expect([-32600, -32601, -32000].contains(code))
    }
}

@Suite struct MCPStreamableHTTPVersionTests {
    let http = HTTPHarness()

    @Test(arguments: ["2025-11-25", "2025-06-18", "2025-03-26"])
    func supportedHeaderIsAccepted(_ version: String) async {
        let response = await http.send(body: #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":"v"}}}"#,
                                       headers: [("MCP-Protocol-Version", version)])
        #expect(response.status == 200)
        #expect(response.json?["result"]?["content"]?[0]?["text"]?.stringValue?.contains("\"version\":\"\(version)\"") == true)
    }

    @Test(arguments: ["2024-11-05", "2026-07-28", "1.0", "garbage"])
    func unsupportedHeaderIs400(_ version: String) async {
        let response = await http.send(body: pingBody, headers: [("MCP-Protocol-Version", version)])
        #expect(response.status == 400)
        #expect(response.json?["error"]?["code"] == -32600)
    }

    @Test func initializeIgnoresTheHeader() async {
        let response = await http.send(body: initializeBody, headers: [("MCP-Protocol-Version", "2099-01-01")])
        #expect(response.status == 200)
    }

    @Test func absentHeaderAssumes2025_03_26() async {
        let response = await http.send(body: #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":"v"}}}"#)
        #expect(response.json?["result"]?["content"]?[0]?["text"]?.stringValue?.contains("\"version\":\"2025-03-26\"") == true)
    }

    @Test func batchesFollowTheHeader() async {
        let batch = "[\(pingBody),{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]"
        let legacy = await http.send(body: batch)
        #expect(legacy.status == 200)
        #expect(legacy.json?.arrayValue?.count == 1)
        let explicit = await http.send(body: batch, headers: [("MCP-Protocol-Version", "2025-03-26")])
        #expect(explicit.status == 200)
        let modern = await http.send(body: batch, headers: [("MCP-Protocol-Version", "2025-06-18")])
        #expect(modern.status == 400)
        #expect(modern.json?["error"]?["code"] == -32600)
    }
}

@Suite struct MCPStreamableHTTPAuthTests {
    @Test func aThrottledCallerIs429WithRetryAfterAndNoChallenge() async {
        let http = HTTPHarness()
        let throttled = await http.send(body: initializeBody, headers: [("Authorization", "Bearer throttled")])
        #expect(throttled.status == 429)
        #expect(throttled.header("Retry-After") == "17")
        #expect(throttled.header("WWW-Authenticate") == nil, "not a credential problem: a client keeps its token")
        #expect(throttled.json?["error"] == "too_many_requests")
    }

    @Test func missingCredentialsIs401WithConfiguredChallenge() async {
        let configuration = MCPStreamableHTTP.Configuration { challenge in
            switch challenge {
            case .missingCredentials: return #"Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", scope="read write""#
            case .invalidToken: return #"Bearer error="invalid_token", resource_metadata="https://h/.well-known/oauth-protected-resource/mcp""#
            case .insufficientScope(let scope): return #"Bearer error="insufficient_scope", scope="\#(scope)", resource_metadata="https://h/x""#
            }
        }
        let http = HTTPHarness(configuration: configuration)
        let anonymous = await http.send(body: initializeBody, headers: [("Content-Type", "application/json"), ("Origin", "http://localhost:6274")], replacing: true)
        #expect(anonymous.status == 401, "an unauthenticated initialize must be 401 so clients start OAuth")
        #expect(anonymous.header("WWW-Authenticate")?.contains("resource_metadata=") == true)
        #expect(anonymous.header("Access-Control-Allow-Origin") == "http://localhost:6274")
        #expect(anonymous.header("Access-Control-Expose-Headers")?.contains("WWW-Authenticate") == true)

        let invalid = await http.send(body: initializeBody, headers: [("Authorization", "Bearer wrong")])
        #expect(invalid.status == 401)
        #expect(invalid.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
        #expect(invalid.json?["error"] == "invalid_token")

        let forbidden = await http.send(body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"store","arguments":{"fact":"f"}}}"#,
                                        headers: [("Authorization", "Bearer reader")])
        #expect(forbidden.status == 403)
        #expect(forbidden.header("WWW-Authenticate") == #"Bearer error="insufficient_scope", scope="write", resource_metadata="https://h/x""#)
        #expect(forbidden.json?["error"] == "insufficient_scope")
    }

    @Test func defaultChallenges() async {
        let http = HTTPHarness()
        let forbidden = await http.send(body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"store","arguments":{"fact":"f"}}}"#,
                                        headers: [("Authorization", "Bearer reader")])
        #expect(forbidden.header("WWW-Authenticate") == #"Bearer realm="memledger", error="insufficient_scope", scope="write""#)
        let reading = await http.send(body: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"f"}}}"#,
                                      headers: [("Authorization", "Bearer reader")])
        #expect(reading.status == 200)
        #expect(reading.json?["result"]?["content"]?[0]?["text"]?.stringValue?.contains("\"agent\":\"reader-key\"") == true)
    }
}

@Suite struct MCPStreamableHTTPOriginTests {
    @Test func preflightAllowsMCPHeaders() async throws {
        let http = HTTPHarness()
        let response = await http.send("OPTIONS", headers: [
            ("Origin", "http://localhost:6274"), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization, content-type, mcp-protocol-version, x-custom"),
        ], replacing: true)
        #expect(response.status == 204)
        #expect(response.header("Access-Control-Allow-Origin") == "http://localhost:6274")
        let allowed = try #require(response.header("Access-Control-Allow-Headers"))
        for name in ["Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID", "x-custom"] {
            #expect(allowed.contains(name))
        }
        #expect(response.header("Access-Control-Allow-Methods")?.contains("POST") == true)
        #expect(response.header("Access-Control-Expose-Headers") == "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate")
    }

    @Test func corsHeadersOnErrorsToo() async {
        let http = HTTPHarness()
        let response = await http.send(body: "nope", headers: [("Origin", "http://127.0.0.1:6274")])
        #expect(response.status == 400)
        #expect(response.header("Access-Control-Allow-Origin") == "http://127.0.0.1:6274")
        #expect(response.header("Vary") == "Origin")
    }

    @Test(arguments: ["https://evil.example.com", "null", "http://localhost:6275"])
    func disallowedOriginIs403(_ origin: String) async {
        let http = HTTPHarness()
        #expect(await http.send(body: pingBody, headers: [("Origin", origin)]).status == 403)
        #expect(await http.send("OPTIONS", headers: [("Origin", origin)], replacing: true).status == 403)
    }

    @Test func absentOriginAndConfiguredOriginsAreAllowed() async {
        let http = HTTPHarness(configuration: MCPStreamableHTTP.Configuration(allowedOrigins: ["https://Memory.Example.org/"]))
        #expect(await http.send(body: pingBody).status == 200)
        #expect(await http.send(body: pingBody, headers: [("Origin", "https://memory.example.org")]).status == 200)
        #expect(await http.send(body: pingBody, headers: [("Origin", "http://localhost:6274")]).status == 403)
    }

    @Test func hostIsCheckedWhenConfigured() async {
        let http = HTTPHarness(configuration: MCPStreamableHTTP.Configuration(allowedHosts: MCPStreamableHTTP.Configuration.loopbackHosts(port: 8765).union(["memory.internal"])))
        #expect(await http.send(body: pingBody, headers: [("Host", "127.0.0.1:8765")]).status == 200)
        #expect(await http.send(body: pingBody, headers: [("Host", "LOCALHOST:8765")]).status == 200)
        #expect(await http.send(body: pingBody, headers: [("Host", "[::1]:8765")]).status == 200)
        #expect(await http.send(body: pingBody, headers: [("Host", "memory.internal:443")]).status == 200)
        let rebinding = await http.send(body: initializeBody, headers: [("Host", "evil.example.com")])
        #expect((400..<500).contains(rebinding.status))
        #expect(await http.send(body: pingBody, headers: [("Host", "evil.example.com:8765")]).status == 403)
        #expect(await http.send(body: pingBody, headers: [("Host", "127.0.0.1:9999")]).status == 403)
        #expect(await http.send(body: pingBody).status == 403, "a request without Host is refused when the check is on")
        #expect(await HTTPHarness().send(body: pingBody, headers: [("Host", "evil.example.com")]).status == 200, "no check when not configured")
    }
}
