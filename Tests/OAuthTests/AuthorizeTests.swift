import HTTP
import Testing

@testable import OAuth

@Suite struct AuthorizeTests {
    @Test func anUnknownClientGetsAnErrorPageAndNoRedirect() async throws {
        let harness = try Harness()
        let ghost = Harness.Client(id: "no-such-client", secret: nil, redirect: "http://127.0.0.1:9/cb")
        let response = try #require(await harness.get(harness.authorizeTarget(ghost)))
        #expect(response.status == 400)
        #expect(response.location == nil)
        #expect(response.headers["Content-Type"]?.hasPrefix("text/html") == true)
    }

    @Test func aMismatchedRedirectGetsAnErrorPageAndNoRedirect() async throws {
        let harness = try Harness()
        let client = try await harness.register(redirects: ["https://claude.ai/api/mcp/auth_callback"])
        let response = try #require(await harness.get(harness.authorizeTarget(client, redirect: "https://evil.example/cb")))
        #expect(response.status == 400)
        #expect(response.location == nil)
    }

    @Test func aLoopbackRedirectMayComeBackOnAnotherPort() async throws {
        let harness = try Harness()
        let client = try await harness.register(redirects: ["http://127.0.0.1:33418/"])
        let response = try #require(await harness.get(harness.authorizeTarget(client, redirect: "http://127.0.0.1:40123/")))
        #expect(response.status == 200)
    }

    @Test(arguments: [
        ("", "S256", "invalid_request"),  // empty challenge
        (PKCE.challenge(for: Harness.verifier), "plain", "invalid_request"),
        (PKCE.challenge(for: Harness.verifier), "", "invalid_request"),
        ("short", "S256", "invalid_request"),
    ])
    func pkceMustBeS256WithAChallenge(challenge: String, method: String, error: String) async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let response = try #require(
            await harness.get(harness.authorizeTarget(client, challenge: challenge, method: method.isEmpty ? nil : method)))
        #expect(response.status == 302)
        let query = try response.redirectQuery()
        #expect(query["error"] == error)
        #expect(query["state"] == "xyz-state")
        #expect(query["code"] == nil)
        #expect(response.location?.hasPrefix(client.redirect) == true)
    }

    @Test func aForeignResourceIsInvalidTarget() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let response = try #require(await harness.get(harness.authorizeTarget(client, resource: "https://other.example/mcp")))
        #expect(response.status == 302)
        #expect(try response.redirectQuery()["error"] == "invalid_target")
        let tolerated = try #require(await harness.get(harness.authorizeTarget(client, resource: "HTTPS://Memory.Example.com/mcp/")))
        #expect(tolerated.status == 200)
    }

    @Test func anUnsupportedResponseTypeGoesBackToTheClient() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let target = harness.authorizeTarget(client).replacingOccurrences(of: "response_type=code", with: "response_type=token")
        let response = try #require(await harness.get(target))
        #expect(try response.redirectQuery()["error"] == "unsupported_response_type")
    }

    @Test func theConsentPageShowsClientAndRedirectHostAndCannotBeFramed() async throws {
        let harness = try Harness()
        let client = try await harness.register(redirects: ["https://claude.ai/api/mcp/auth_callback"], name: "Claude <b>&</b>")
        let page = try #require(await harness.get(harness.authorizeTarget(client, path: "/oauth/authorize")))
        #expect(page.status == 200)
        #expect(page.text.contains("Claude &lt;b&gt;&amp;&lt;/b&gt;"))
        #expect(!page.text.contains("<b>&</b>"))
        #expect(page.text.contains("claude.ai"))
        #expect(page.text.contains("memledger clients revoke \(client.id)"), "the revoke hint names the command in full")
        #expect(page.headers["X-Frame-Options"] == "DENY")
        #expect(page.headers["Content-Security-Policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(page.headers["Cache-Control"] == "no-store")
        #expect(!page.text.contains("<script"))
        #expect(!page.text.contains("src="))
        #expect(!page.text.contains("href="))
        #expect(page.text.contains("type=\"password\""))
    }

    @Test(arguments: [nil, "", "mlk_wrong", Harness.readOnlyKey])
    func aWrongOrMissingOwnerKeyGets401AndNoCode(key: String?) async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let requestID = try await harness.consentRequestID(client)
        let response = await harness.submitConsent(requestID: requestID, clientID: client.id, key: key)
        #expect(response.status == 401)
        #expect(response.location == nil)
        #expect(!response.text.contains("mlc_"))
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(try harness.authEvents().map(\.type) == ["auth.client_registered"])
        // The same form still works with the right key.
        let approved = await harness.submitConsent(requestID: requestID, clientID: client.id, key: Harness.ownerKey)
        #expect(approved.status == 302)
        #expect(try approved.redirectQuery()["code"] != nil)
    }

    @Test func failedConsentsAreRateLimitedPerAddress() async throws {
        let harness = try Harness { $0.consentFailuresPerWindow = 3 }
        let client = try await harness.register()
        let requestID = try await harness.consentRequestID(client)
        for _ in 0..<3 {
            #expect(await harness.submitConsent(requestID: requestID, clientID: client.id, key: "mlk_guess").status == 401)
        }
        let limited = await harness.submitConsent(requestID: requestID, clientID: client.id, key: Harness.ownerKey)
        #expect(limited.status == 429)
        #expect(limited.location == nil)
        let elsewhere = await harness.submitConsent(
            requestID: requestID, clientID: client.id, key: Harness.ownerKey, from: "198.51.100.9")
        #expect(elsewhere.status == 302)
    }

    @Test func theFormIsBoundToItsRequestAndClientAndUsedOnce() async throws {
        let harness = try Harness()
        let victim = try await harness.register(name: "Victim")
        let attacker = try await harness.register(redirects: ["http://127.0.0.1:4444/steal"], name: "Attacker")
        let requestID = try await harness.consentRequestID(victim)
        let replayed = await harness.submitConsent(requestID: requestID, clientID: attacker.id, key: Harness.ownerKey)
        #expect(replayed.status == 400)
        #expect(replayed.location == nil)
        let forged = await harness.submitConsent(requestID: "mlq_forged", clientID: victim.id, key: Harness.ownerKey)
        #expect(forged.status == 400)
        let approved = await harness.submitConsent(requestID: requestID, clientID: victim.id, key: Harness.ownerKey)
        #expect(approved.status == 302)
        #expect(approved.location?.hasPrefix(victim.redirect + "?code=") == true)
        let again = await harness.submitConsent(requestID: requestID, clientID: victim.id, key: Harness.ownerKey)
        #expect(again.status == 400)
        #expect(again.location == nil)
    }

    @Test func consentPagesAreRateLimitedPerAddress() async throws {
        let harness = try Harness { $0.authorizationsPerWindow = 2 }
        let client = try await harness.register()
        for _ in 0..<2 { #expect(try #require(await harness.get(harness.authorizeTarget(client))).status == 200) }
        let limited = try #require(await harness.get(harness.authorizeTarget(client)))
        #expect(limited.status == 429)
        #expect(limited.location == nil)
        #expect(try #require(await harness.get(harness.authorizeTarget(client), from: "198.51.100.3")).status == 200)
    }

    @Test func aPendingRequestExpires() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let requestID = try await harness.consentRequestID(client)
        harness.clock.advance(seconds: 601)
        let response = await harness.submitConsent(requestID: requestID, clientID: client.id, key: Harness.ownerKey)
        #expect(response.status == 400)
        #expect(response.location == nil)
    }

    @Test func denyingRedirectsWithAccessDeniedAndRecordsIt() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let requestID = try await harness.consentRequestID(client)
        let response = await harness.submitConsent(requestID: requestID, clientID: client.id, key: nil, decision: "deny")
        #expect(response.status == 302)
        let query = try response.redirectQuery()
        #expect(query["error"] == "access_denied")
        #expect(query["state"] == "xyz-state")
        #expect(query["code"] == nil)
        #expect(try harness.authEvents().map(\.type) == ["auth.client_registered", "auth.consent_denied"])
    }

    @Test func autoApproveRedirectsAtOnceWithACode() async throws {
        let harness = try Harness(base: "http://127.0.0.1:8765") {
            $0.autoApprove = OwnerIdentity(userID: "owner-user", name: "auto-approve")
        }
        let client = try await harness.register()
        var target = harness.authorizeTarget(client)
        target = target.replacingOccurrences(
            of: HTTPForm.percentEncode(Harness.base + "/mcp"), with: HTTPForm.percentEncode("http://127.0.0.1:8765/mcp"))
        let response = try #require(await harness.get(target))
        #expect(response.status == 302)
        let query = try response.redirectQuery()
        #expect(query["code"]?.hasPrefix("mlc_") == true)
        #expect(query["state"] == "xyz-state")
        #expect(try harness.authEvents().map(\.type) == ["auth.client_registered", "auth.consent_granted"])
    }
}
