import HTTP
import Testing

@testable import OAuth

@Suite struct MetadataTests {
    @Test(arguments: ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"])
    func protectedResourceMetadataNamesExactlyTheMCPResource(path: String) async throws {
        let harness = try Harness()
        let response = try #require(await harness.get(path))
        #expect(response.status == 200)
        let body = try response.jsonObject()
        #expect(body["resource"] as? String == "https://memory.example.com/mcp")
        #expect(body["authorization_servers"] as? [String] == ["https://memory.example.com"])
        #expect(body["scopes_supported"] as? [String] == ["memory.read", "memory.write"])
        #expect(body["bearer_methods_supported"] as? [String] == ["header"])
    }

    @Test(arguments: [
        "/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/mcp",
        "/mcp/.well-known/oauth-authorization-server",
    ])
    func authorizationServerMetadataAtEveryProbedPath(path: String) async throws {
        let harness = try Harness()
        let response = try #require(await harness.get(path))
        #expect(response.status == 200)
        let body = try response.jsonObject()
        #expect(body["issuer"] as? String == "https://memory.example.com")
        #expect(body["authorization_endpoint"] as? String == "https://memory.example.com/authorize")
        #expect(body["token_endpoint"] as? String == "https://memory.example.com/token")
        #expect(body["registration_endpoint"] as? String == "https://memory.example.com/register")
        #expect(body["revocation_endpoint"] as? String == "https://memory.example.com/revoke")
        #expect(body["code_challenge_methods_supported"] as? [String] == ["S256"])
        #expect((body["token_endpoint_auth_methods_supported"] as? [String])?.first == "none")
        #expect(body["authorization_response_iss_parameter_supported"] == nil)
        #expect(response.headers["Access-Control-Allow-Origin"] == "*")
    }

    @Test(arguments: [
        "/.well-known/openid-configuration", "/.well-known/openid-configuration/mcp", "/mcp/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server/other",
    ])
    func openIDConfigurationIsACleanNotFound(path: String) async throws {
        let harness = try Harness()
        let response = try #require(await harness.get(path))
        #expect(response.status == 404)
    }

    @Test func otherRoutesAreLeftToTheServer() async throws {
        let harness = try Harness()
        #expect(await harness.get("/mcp") == nil)
        #expect(await harness.get("/api/v1/memories") == nil)
        #expect(await harness.get("/.well-known/security.txt") == nil)
        #expect(await harness.get("/healthz") == nil)
    }

    @Test func aliasesUnderOAuthServeTheSameEndpoints() async throws {
        let harness = try Harness()
        let response = await harness.postJSON("/oauth/register", #"{"redirect_uris":["http://localhost:3000/callback"]}"#)
        #expect(response.status == 201)
        let preflight = try #require(await harness.server.handle(HTTPRequest(method: "OPTIONS", target: "/token")))
        #expect(preflight.status == 204)
        #expect(preflight.headers["Access-Control-Allow-Origin"] == "*")
    }

    @Test func challengesCarryResourceMetadataAndScope() throws {
        let harness = try Harness()
        #expect(harness.server.resourceMetadataURL == "https://memory.example.com/.well-known/oauth-protected-resource/mcp")
        #expect(
            harness.server.wwwAuthenticate()
                == #"Bearer resource_metadata="https://memory.example.com/.well-known/oauth-protected-resource/mcp", scope="memory.read memory.write""#)
        #expect(harness.server.wwwAuthenticate(error: .invalidToken).hasSuffix(#", error="invalid_token""#))
        #expect(
            harness.server.wwwAuthenticate(error: .insufficientScope, scope: "memory.write")
                .contains(#"scope="memory.write", error="insufficient_scope""#))
    }

    @Test func theBaseURLIsNormalisedAndValidated() throws {
        #expect(try OAuthConfiguration(publicBaseURL: "HTTPS://Memory.Example.com/").resource == "https://memory.example.com/mcp")
        #expect(try OAuthConfiguration(publicBaseURL: "https://h.example/prefix").resource == "https://h.example/prefix/mcp")
        #expect(throws: OAuthConfigurationError.self) { try OAuthConfiguration(publicBaseURL: "memory.example.com") }
        #expect(throws: OAuthConfigurationError.self) { try OAuthConfiguration(publicBaseURL: "ftp://memory.example.com") }
        #expect(try OAuthConfiguration.fromEnvironment([:], bindHost: "127.0.0.1") == nil)
        let configured = try #require(
            try OAuthConfiguration.fromEnvironment(
                ["PUBLIC_BASE_URL": "https://m.example", "OAUTH_ALLOWED_REDIRECT_URIS": "https://a.example/cb, https://b.example/*"],
                bindHost: "0.0.0.0"))
        #expect(configured.allowedRedirectURIs == ["https://a.example/cb", "https://b.example/*"])
    }

    @Test func autoApproveIsRefusedUnlessBindAndBaseAreLoopback() throws {
        let owner = OwnerIdentity(userID: "u", name: "auto")
        #expect(throws: OAuthConfigurationError.self) {
            _ = try Harness(base: "https://memory.example.com") { $0.autoApprove = owner }
        }
        #expect(throws: OAuthConfigurationError.self) {
            _ = try Harness(base: "http://127.0.0.1:8080") {
                $0.autoApprove = owner
                $0.bindHost = "0.0.0.0"
            }
        }
        _ = try Harness(base: "http://127.0.0.1:8080") { $0.autoApprove = owner }
    }
}

@Suite struct RoutingTests {
    @Test(arguments: [("GET", "/token", 405), ("GET", "/register", 405), ("PUT", "/authorize", 405), ("POST", "/.well-known/oauth-authorization-server", 405), ("HEAD", "/.well-known/oauth-protected-resource", 200), ("OPTIONS", "/.well-known/oauth-protected-resource/mcp", 204)])
    func methodsOutsideTheProtocolAreRefused(method: String, path: String, status: Int) async throws {
        let harness = try Harness()
        let response = try #require(await harness.server.handle(HTTPRequest(method: method, target: path)))
        #expect(response.status == status)
    }
}
