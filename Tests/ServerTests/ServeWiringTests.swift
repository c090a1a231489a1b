import Foundation
import HTTP
import JSON
import Ledger
import MCP
import Memory
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import OAuth
@testable import Server

/// The composition `memledger serve` builds: memory tools at `/mcp`, OAuth mounted in front of the
/// router when a public base URL is set, access tokens accepted on `/mcp` only, and the challenges
/// of each mode (DESIGN.md §6 "OAuth on or off").
@Suite struct ServeWiringTests {
    static let base = "http://127.0.0.1:8765"

    /// An application over a fresh data directory with the memory tools and, when `oauth`, an
    /// auto-approving authorization server at `base`.
    final class Served: @unchecked Sendable {
        let directory: URL
        let service: MemoryService
        let app: ServerApplication
        let ownerKey: String
        /// Whether this value made the data directory, and so removes it.
        private let ownsDirectory: Bool

        /// - Parameters:
        ///   - base: the public base URL when `oauth`.
        ///   - directory: an existing data directory to serve (as a second process would), else a fresh one.
        ///   - keyName: the name of the owner key this application creates.
        init(oauth: Bool, base: String = ServeWiringTests.base, directory existing: URL? = nil, keyName: String = "owner-key") async throws {
            directory = existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("memledger-wiring-\(UUID().uuidString)")
            ownsDirectory = existing == nil
            var configuration = ServerConfiguration()
            configuration.dataDirectory = directory.path
            configuration.defaultUserID = "alice"
            if oauth { configuration.publicBaseURL = base }
            service = try ServerEnvironment.openService(configuration)
            var server: OAuthServer?
            if oauth {
                var oc = try OAuthConfiguration(publicBaseURL: base, bindHost: "127.0.0.1")
                oc.autoApprove = OwnerIdentity(userID: "alice", name: "auto-approve")
                server = try OAuthServer(configuration: oc, ledger: service.ledger) { _ in .invalid }
            }
            app = ServerApplication(
                configuration: configuration, service: service, mcpServer: MemoryTools.server(service: service, version: "test"),
                oauth: server, log: AccessLog(level: .error))
            ownerKey = try await app.keys.create(
                name: keyName, userID: "alice", scopes: Set(Scope.allCases), provenance: Provenance(actor: "test", transport: .cli)
            ).secret
        }

        deinit {
            service.close()
            if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
        }

        func send(
            _ method: String, _ target: String, bearer: String? = nil, body: [UInt8] = [], contentType: String? = nil,
            host: String = "127.0.0.1:8765", extra: [(String, String)] = []
        ) async -> HTTPResponse {
            var headers = HTTPHeaders()
            headers.set("Host", host)
            for (name, value) in extra { headers.set(name, value) }
            if let bearer { headers.set("Authorization", "Bearer \(bearer)") }
            if let contentType { headers.set("Content-Type", contentType) }
            return await app.handle(HTTPRequest(method: method, target: target, headers: headers, body: body))
        }

        func mcp(_ bearer: String?, _ method: String, _ params: JSONValue = [:], path: String = "/mcp") async -> HTTPResponse {
            let message: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
            return await send(
                "POST", path, bearer: bearer, body: message.serialized(), contentType: "application/json",
                extra: [("MCP-Protocol-Version", "2025-11-25")])
        }

        /// An access token for a freshly registered client named `name`, through auto-approve.
        func token(client name: String, scope: String) async throws -> String {
            try await grant(client: name, scope: scope).token
        }

        /// Registers a client named `name` and runs the code flow through auto-approve.
        /// - Returns: the OAuth client id and its access token.
        func grant(client name: String, scope: String) async throws -> (clientID: String, token: String) {
            let redirect = "http://127.0.0.1:40123/cb"
            let resource = try #require(app.oauth?.resource, "OAuth is off")
            let registration: JSONValue = ["redirect_uris": [.string(redirect)], "client_name": .string(name)]
            let registered = await send("POST", "/register", body: registration.serialized(), contentType: "application/json")
            #expect(registered.status == 201)
            let clientID = try #require(try JSONValue.parse(registered.body)["client_id"]?.stringValue)
            let verifier = String(repeating: "v", count: 50)
            let query = [
                ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirect),
                ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"), ("scope", scope),
                ("resource", resource),
            ].map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
            let authorized = await send("GET", "/authorize?" + query)
            #expect(authorized.status == 302)
            let location = try #require(authorized.headers["Location"])
            let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
            let form = [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier),
                ("client_id", clientID), ("resource", resource),
            ].map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
            let issued = await send("POST", "/token", body: Array(form.utf8), contentType: "application/x-www-form-urlencoded")
            #expect(issued.status == 200)
            return (clientID, try #require(try JSONValue.parse(issued.body)["access_token"]?.stringValue))
        }

        static func encoded(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
    }

    @Test func toolsAreServedAtBothPathsWithTheKeyNameAsAgent() async throws {
        let served = try await Served(oauth: false)
        for path in ["/mcp", "/mcp/"] {
            let listed = await served.mcp(served.ownerKey, "tools/list", path: path)
            #expect(listed.status == 200)
            let names = try JSONValue.parse(listed.body)["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("add_memory") && names.contains("search_memories"))
        }
        let added = await served.mcp(served.ownerKey, "tools/call", ["name": "add_memory", "arguments": ["content": "tea, not coffee"]])
        let memory = try JSONValue.parse(added.body)["result"]?["structuredContent"]
        #expect(memory?["agent_id"]?.stringValue == "owner-key")
    }

    @Test func oauthOffHasNoMetadataAndAPlainChallenge() async throws {
        let served = try await Served(oauth: false)
        #expect(await served.send("GET", "/.well-known/oauth-protected-resource/mcp").status == 404)
        #expect(await served.send("GET", "/.well-known/oauth-authorization-server").status == 404)
        let refused = await served.mcp(nil, "initialize")
        #expect(refused.status == 401)
        #expect(refused.headers["WWW-Authenticate"] == "Bearer realm=\"memledger\"")
    }

    @Test func oauthOnChallengesPointAtThePathSuffixedMetadataWithAScope() async throws {
        let served = try await Served(oauth: true)
        let metadata = await served.send("GET", "/.well-known/oauth-protected-resource/mcp")
        #expect(metadata.status == 200)
        #expect(try JSONValue.parse(metadata.body)["resource"]?.stringValue == Self.base + "/mcp")
        let missing = await served.mcp(nil, "initialize")
        #expect(missing.status == 401)
        let challenge = try #require(missing.headers["WWW-Authenticate"])
        #expect(challenge.contains("resource_metadata=\"\(Self.base)/.well-known/oauth-protected-resource/mcp\""))
        #expect(challenge.contains("scope=\""))
        let bad = await served.mcp("mla_unknown", "initialize")
        #expect(bad.status == 401)
        #expect(bad.headers["WWW-Authenticate"]?.contains("error=\"invalid_token\"") == true)
    }

    @Test func anAccessTokenWorksOnMCPAsItsClientAndNowhereElse() async throws {
        let served = try await Served(oauth: true)
        let token = try await served.token(client: "Claude", scope: "memory.read memory.write")
        let added = await served.mcp(token, "tools/call", ["name": "add_memory", "arguments": ["content": "the build runs on Fridays"]])
        #expect(added.status == 200)
        let memory = try JSONValue.parse(added.body)["result"]?["structuredContent"]
        #expect(memory?["agent_id"]?.stringValue == "Claude")
        #expect(memory?["user_id"]?.stringValue == "alice")
        let rest = await served.send("GET", "/api/v1/memories", bearer: token)
        #expect(rest.status == 401)
    }

    /// The OAuth client id is the `client_id` of every event a token writes, in the ledger and
    /// in the memory's provenance; its registered name is the agent.
    @Test func eventsWrittenWithAnAccessTokenCarryTheOAuthClientID() async throws {
        let served = try await Served(oauth: true)
        let (clientID, token) = try await served.grant(client: "Claude", scope: "memory.read memory.write")
        let added = await served.mcp(token, "tools/call", ["name": "add_memory", "arguments": ["content": "the office plant needs water on Mondays"]])
        let memory = try #require(try JSONValue.parse(added.body)["result"]?["structuredContent"])
        let id = try #require(memory["id"]?.stringValue)
        #expect(memory["created_by"]?["client_id"]?.stringValue == clientID)
        _ = await served.mcp(token, "tools/call", ["name": "update_memory", "arguments": ["memory_id": .string(id), "content": "the office plant needs water on Tuesdays"]])
        let events = try served.service.ledger.stream(id)
        #expect(events.map(\.type) == ["memory.added", "memory.updated"])
        for event in events {
            #expect(event.provenance.clientID == clientID)
            #expect(event.provenance.agentID == "Claude")
            #expect(event.provenance.transport == .mcp)
        }
    }

    /// A token the same data directory issued while it was served under another public URL is for
    /// another resource (RFC 8707 audience): over HTTP, `/mcp` refuses it as an invalid token.
    @Test func anAccessTokenForAnotherResourceIsRefusedAt401OverHTTP() async throws {
        let before = try await Served(oauth: true, base: "http://localhost:9911")
        let token = try await before.token(client: "Claude", scope: "memory.read memory.write")
        #expect(await before.mcp(token, "tools/call", ["name": "list_memories", "arguments": [:]]).status == 200)
        let now = try await Served(oauth: true, directory: before.directory, keyName: "second-owner")
        let app = now.app
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { await app.handle($0) }
        let port = try server.start()
        defer { server.shutdown(graceful: false) }
        for path in ["/mcp", "/mcp/"] {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("2025-11-25", forHTTPHeaderField: "MCP-Protocol-Version")
            request.httpBody = Data((["jsonrpc": "2.0", "id": 1, "method": "tools/list"] as JSONValue).serialized())
            let (_, response) = try await URLSession.shared.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 401, "\(path)")
            let challenge = try #require(http.value(forHTTPHeaderField: "WWW-Authenticate"))
            #expect(challenge.contains("error=\"invalid_token\""), "\(path)")
            #expect(challenge.contains("resource_metadata=\"\(Self.base)/.well-known/oauth-protected-resource/mcp\""), "\(path)")
        }
        server.shutdown(graceful: true)
        await server.waitUntilStopped()
    }

    @Test func theTrailingSlashPathChallengesWithResourceMetadataToo() async throws {
        let served = try await Served(oauth: true)
        let metadata = "resource_metadata=\"\(Self.base)/.well-known/oauth-protected-resource/mcp\""
        let missing = await served.mcp(nil, "initialize", path: "/mcp/")
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"]?.contains(metadata) == true)
        #expect(missing.headers["WWW-Authenticate"]?.contains("scope=\"") == true)
        let bad = await served.mcp("mla_unknown", "initialize", path: "/mcp/")
        #expect(bad.status == 401)
        #expect(bad.headers["WWW-Authenticate"]?.contains(metadata) == true)
        #expect(bad.headers["WWW-Authenticate"]?.contains("error=\"invalid_token\"") == true)
    }

    @Test func aReadOnlyTokenGets403InsufficientScopeOnAWrite() async throws {
        let served = try await Served(oauth: true)
        let token = try await served.token(client: "reader", scope: "memory.read")
        let write = await served.mcp(token, "tools/call", ["name": "add_memory", "arguments": ["content": "nope"]])
        #expect(write.status == 403)
        let challenge = try #require(write.headers["WWW-Authenticate"])
        #expect(challenge.contains("error=\"insufficient_scope\""))
        #expect(challenge.contains("resource_metadata=\"\(Self.base)/.well-known/oauth-protected-resource/mcp\""))
        let read = await served.mcp(token, "tools/call", ["name": "list_memories", "arguments": [:]])
        #expect(read.status == 200)
    }

    @Test func aForeignHostIsRefusedOnALoopbackBind() async throws {
        let served = try await Served(oauth: false)
        let message: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "ping"]
        let answer = await served.send(
            "POST", "/mcp", bearer: served.ownerKey, body: message.serialized(), contentType: "application/json", host: "evil.example.com")
        #expect(answer.status == 403)
    }

    @Test func configurationReadsThePublicURLNamesTokenLifetimeAndAutoApprove() throws {
        let (c, _) = try ServerConfiguration.resolve(
            options: [:], switches: ["oauth-auto-approve"],
            environment: ["MEMLEDGER_PUBLIC_URL": "http://127.0.0.1:9000/", "MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL": "120"])
        #expect(c.publicBaseURL == "http://127.0.0.1:9000")
        #expect(c.oauthAccessTokenTTL == 120)
        #expect(c.oauthAutoApprove)
        #expect(throws: ServerConfiguration.Problem.self) {
            try ServerConfiguration.resolve(options: [:], environment: ["MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL": "1h"])
        }
    }
}
