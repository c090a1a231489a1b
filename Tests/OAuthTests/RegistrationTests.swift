import Foundation
import HTTP
import Testing

@testable import OAuth

@Suite struct RegistrationTests {
    @Test func aPublicClientIsRegisteredWithoutASecret() async throws {
        let harness = try Harness()
        let response = await harness.postJSON(
            "/register",
            #"{"redirect_uris":["https://claude.ai/api/mcp/auth_callback","https://claude.com/api/mcp/auth_callback"],"client_name":"Claude","token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],"response_types":["code"],"scope":"claudeai memory.read","unknown_field":{"x":1}}"#
        )
        #expect(response.status == 201)
        #expect(response.headers["Cache-Control"] == "no-store")
        let body = try response.jsonObject()
        #expect((body["client_id"] as? String)?.isEmpty == false)
        #expect(body["client_id_issued_at"] is Int)
        #expect(body["client_secret"] == nil)
        #expect(body["token_endpoint_auth_method"] as? String == "none")
        #expect(body["client_name"] as? String == "Claude")
        #expect(body["scope"] as? String == "memory.read")
        #expect(body["redirect_uris"] as? [String] == ["https://claude.ai/api/mcp/auth_callback", "https://claude.com/api/mcp/auth_callback"])
        let events = try harness.authEvents()
        #expect(events.map(\.type) == ["auth.client_registered"])
        #expect(events.first?.streamID == "auth:\(body["client_id"] as? String ?? "")")
    }

    @Test(arguments: ["client_secret_post", "client_secret_basic"])
    func aConfidentialClientGetsASecretStoredOnlyAsADigest(method: String) async throws {
        let harness = try Harness()
        let client = try await harness.register(method: method)
        let secret = try #require(client.secret)
        #expect(secret.count >= 40)
        _ = try harness.ledger.checkpoint()
        #expect(!fileContains(harness.database, secret))
        #expect(!fileContains(harness.database + "-wal", secret))
    }

    /// Bug case 17: the claude.ai callback registers; a lookalike host is refused, naming it.
    @Test func aLookalikeRedirectHostIsRefusedNamingTheURI() async throws {
        let harness = try Harness()
        let good = await harness.postJSON("/register", #"{"redirect_uris":["https://claude.ai/api/mcp/auth_callback"]}"#)
        #expect(good.status == 201)
        let bad = await harness.postJSON("/register", #"{"redirect_uris":["https://chatgpt.com.evil.example/connector/oauth/x"]}"#)
        #expect(bad.status == 400)
        #expect(bad.errorCode == "invalid_redirect_uri")
        #expect(((try bad.jsonObject())["error_description"] as? String)?.contains("https://chatgpt.com.evil.example/connector/oauth/x") == true)
    }

    @Test func oneDisallowedURIRefusesTheWholeRegistration() async throws {
        let harness = try Harness()
        let response = await harness.postJSON(
            "/register", #"{"redirect_uris":["https://claude.ai/api/mcp/auth_callback","http://evil.example/cb"]}"#)
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_redirect_uri")
        #expect(try harness.authEvents().isEmpty)
        #expect(try OAuthAdministration.clients(in: harness.ledger).isEmpty)
    }

    @Test(arguments: [
        (#"{"client_name":"x"}"#, "invalid_redirect_uri"), (#"{"redirect_uris":[]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":[1]}"#, "invalid_redirect_uri"), ("not json", "invalid_client_metadata"),
        (#"{"redirect_uris":["http://localhost/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["http://localhost/cb"],"grant_types":["client_credentials"]}"#, "invalid_client_metadata"),
    ])
    func malformedMetadataIsRefused(body: String, code: String) async throws {
        let harness = try Harness()
        let response = await harness.postJSON("/register", body)
        #expect(response.status == 400)
        #expect(response.errorCode == code)
    }

    @Test func configuredRulesExtendTheDefaults() async throws {
        let harness = try Harness { $0.allowedRedirectURIs = ["https://app.example.com/oauth/*"] }
        #expect(await harness.postJSON("/register", #"{"redirect_uris":["https://app.example.com/oauth/cb"]}"#).status == 201)
        let lookalike = await harness.postJSON("/register", #"{"redirect_uris":["https://app.example.com.evil.example/oauth/cb"]}"#)
        #expect(lookalike.status == 400)
        #expect(lookalike.errorCode == "invalid_redirect_uri")
    }

    @Test func registrationIsRateLimitedPerAddress() async throws {
        let harness = try Harness { $0.registrationsPerWindow = 3 }
        let body = #"{"redirect_uris":["http://localhost:1/cb"]}"#
        for _ in 0..<3 { #expect(await harness.postJSON("/register", body, from: "198.51.100.1").status == 201) }
        let limited = await harness.postJSON("/register", body, from: "198.51.100.1")
        #expect(limited.status == 429)
        #expect(limited.headers["Retry-After"] != nil)
        #expect(await harness.postJSON("/register", body, from: "198.51.100.2").status == 201)
        harness.clock.advance(seconds: 3601)
        #expect(await harness.postJSON("/register", body, from: "198.51.100.1").status == 201)
    }

    @Test func aClientThatNeverCompletesConsentIsForgottenAfterADay() async throws {
        let harness = try Harness()
        let idle = try await harness.register()
        let used = try await harness.register()
        _ = try await harness.tokens(for: used)
        harness.clock.advance(seconds: 86_401)
        let page = try #require(await harness.get(harness.authorizeTarget(idle)))
        #expect(page.status == 400)
        #expect(page.location == nil)
        let token = await harness.exchange("mlc_whatever", client: idle)
        #expect(token.status == 401)
        #expect(token.errorCode == "invalid_client")
        #expect(try #require(await harness.get(harness.authorizeTarget(used))).status == 200)
        // The next registration purges the stale row for good.
        _ = try await harness.register()
        #expect(try OAuthAdministration.clients(in: harness.ledger).map(\.clientID).contains(idle.id) == false)
    }
}

func fileContains(_ path: String, _ needle: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    return data.range(of: Data(needle.utf8)) != nil
}
