import Foundation
import HTTP
import JSON
import Ledger
import MCP
import Memory
import Testing

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

        init(oauth: Bool) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("memledger-wiring-\(UUID().uuidString)")
            var configuration = ServerConfiguration()
            configuration.dataDirectory = directory.path
            configuration.defaultUserID = "alice"
            if oauth { configuration.publicBaseURL = ServeWiringTests.base }
            service = try ServerEnvironment.openService(configuration)
            var server: OAuthServer?
            if oauth {
                var oc = try OAuthConfiguration(publicBaseURL: ServeWiringTests.base, bindHost: "127.0.0.1")
                oc.autoApprove = OwnerIdentity(userID: "alice", name: "auto-approve")
                server = try OAuthServer(configuration: oc, ledger: service.ledger) { _ in .invalid }
            }
            app = ServerApplication(
                configuration: configuration, service: service, mcpServer: MemoryTools.server(service: service, version: "test"),
                oauth: server, log: AccessLog(level: .error))
            ownerKey = try await app.keys.create(
                name: "owner-key", userID: "alice", scopes: Set(Scope.allCases), provenance: Provenance(actor: "test", transport: .cli)
            ).secret
        }

        deinit {
            service.close()
            try? FileManager.default.removeItem(at: directory)
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
            let redirect = "http://127.0.0.1:40123/cb"
            let registration: JSONValue = ["redirect_uris": [.string(redirect)], "client_name": .string(name)]
            let registered = await send("POST", "/register", body: registration.serialized(), contentType: "application/json")
            #expect(registered.status == 201)
            let clientID = try #require(try JSONValue.parse(registered.body)["client_id"]?.stringValue)
            let verifier = String(repeating: "v", count: 50)
            let query = [
                ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirect),
                ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"), ("scope", scope),
                ("resource", ServeWiringTests.base + "/mcp"),
            ].map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
            let authorized = await send("GET", "/authorize?" + query)
            #expect(authorized.status == 302)
            let location = try #require(authorized.headers["Location"])
            let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
            let form = [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier),
                ("client_id", clientID), ("resource", ServeWiringTests.base + "/mcp"),
            ].map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
            let issued = await send("POST", "/token", body: Array(form.utf8), contentType: "application/x-www-form-urlencoded")
            #expect(issued.status == 200)
            return try #require(try JSONValue.parse(issued.body)["access_token"]?.stringValue)
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
