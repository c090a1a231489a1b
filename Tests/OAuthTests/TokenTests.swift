import Crypto
import HTTP
import Testing

@testable import OAuth

@Suite struct TokenTests {
    @Test func aWrongVerifierIsInvalidGrant() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let code = try await harness.code(for: client)
        let response = await harness.exchange(code, client: client, verifier: String(repeating: "x", count: 50))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_grant")
        #expect(response.headers["Cache-Control"] == "no-store")
        // The code was consumed by the failed attempt.
        #expect(await harness.exchange(code, client: client).errorCode == "invalid_grant")
    }

    @Test func aMissingVerifierIsInvalidRequestAndLeavesTheCodeUsable() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let code = try await harness.code(for: client)
        let response = await harness.exchange(code, client: client, verifier: "")
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
        #expect(await harness.exchange(code, client: client).status == 200)
    }

    @Test func aReusedCodeIsRefusedAndRevokesTheTokensIssuedFromIt() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let code = try await harness.code(for: client)
        let first = try await harness.exchange(code, client: client).tokens()
        guard case .valid = await harness.validate(first.access) else {
            Issue.record("fresh token not valid")
            return
        }
        let replay = await harness.exchange(code, client: client)
        #expect(replay.status == 400)
        #expect(replay.errorCode == "invalid_grant")
        #expect(await harness.validate(first.access) == .invalid)
        #expect(await harness.refresh(first.refresh, client: client).errorCode == "invalid_grant")
        let revoked = try harness.authEvents().filter { $0.type == "auth.token_family_revoked" }
        #expect(revoked.count == 1)
        let payload = String(decoding: revoked.first?.payload ?? [], as: UTF8.self)
        #expect(payload.contains("authorization_code_reused"))
    }

    @Test func anExpiredCodeIsInvalidGrant() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let code = try await harness.code(for: client)
        harness.clock.advance(seconds: 601)
        let response = await harness.exchange(code, client: client)
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_grant")
    }

    @Test func aMismatchedRedirectAtTheTokenEndpointIsInvalidGrant() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let code = try await harness.code(for: client)
        let response = await harness.exchange(code, client: client, redirect: "http://127.0.0.1:51234/other")
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_grant")
    }

    @Test func anUnknownClientAtTheTokenEndpointIs401InvalidClient() async throws {
        let harness = try Harness()
        let ghost = Harness.Client(id: "no-such-client", secret: nil, redirect: "http://127.0.0.1:9/cb")
        let response = await harness.exchange("mlc_anything", client: ghost)
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_client")
        let anonymous = await harness.postForm("/token", [("grant_type", "authorization_code"), ("code", "x")])
        #expect(anonymous.status == 401)
        #expect(anonymous.errorCode == "invalid_client")
    }

    @Test func aCodeIsBoundToItsClient() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let other = try await harness.register()
        let code = try await harness.code(for: client)
        let stolen = await harness.exchange(code, client: Harness.Client(id: other.id, secret: nil, redirect: client.redirect))
        #expect(stolen.errorCode == "invalid_grant")
        #expect(await harness.exchange(code, client: client).status == 200)
    }

    @Test func aForeignResourceAtTheTokenEndpointIsInvalidTarget() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let code = try await harness.code(for: client)
        let response = await harness.exchange(code, client: client, resource: "https://other.example/mcp")
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_target")
    }

    @Test func unsupportedGrantTypes() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let response = await harness.postForm("/token", [("grant_type", "client_credentials"), ("client_id", client.id)])
        #expect(response.status == 400)
        #expect(response.errorCode == "unsupported_grant_type")
    }

    @Test(arguments: ["client_secret_post", "client_secret_basic"])
    func confidentialClientsMustAuthenticate(method: String) async throws {
        let harness = try Harness()
        var client = try await harness.register(method: method)
        let secret = try #require(client.secret)
        let code = try await harness.code(for: client)
        client.secret = "mls_wrong"
        let wrong = await harness.exchange(code, client: client)
        #expect(wrong.status == 401)
        #expect(wrong.errorCode == "invalid_client")
        client.secret = nil
        let missing = await harness.exchange(code, client: client)
        #expect(missing.status == 401)
        if method == "client_secret_basic" {
            let basic = "Basic " + Base64.encode(Array("\(client.id):\(secret)".utf8))
            let response = await harness.exchange(code, client: client, headers: ["Authorization": basic])
            #expect(response.status == 200)
            let badBasic = "Basic " + Base64.encode(Array("\(client.id):nope".utf8))
            let refused = await harness.exchange(code, client: client, headers: ["Authorization": badBasic])
            #expect(refused.status == 401)
            #expect(refused.headers["WWW-Authenticate"]?.hasPrefix("Basic") == true)
        } else {
            client.secret = secret
            #expect(await harness.exchange(code, client: client).status == 200)
        }
    }

    @Test func refreshRotatesWithAGraceWindowAndLaterReuseRevokesTheFamily() async throws {
        let harness = try Harness { $0.refreshGraceSeconds = 30 }
        let client = try await harness.register()
        let first = try await harness.tokens(for: client)
        let second = try await harness.refresh(first.refresh, client: client).tokens()
        #expect(second.refresh != first.refresh)
        #expect(second.access != first.access)
        // A concurrent refresh with the token just rotated out still works within the window.
        harness.clock.advance(seconds: 10)
        let concurrent = await harness.refresh(first.refresh, client: client)
        #expect(concurrent.status == 200)
        // Later reuse: refused, and every token of the family dies.
        harness.clock.advance(seconds: 31)
        let reuse = await harness.refresh(first.refresh, client: client)
        #expect(reuse.status == 400)
        #expect(reuse.errorCode == "invalid_grant")
        #expect(await harness.validate(second.access) == .invalid)
        #expect(await harness.refresh(second.refresh, client: client).errorCode == "invalid_grant")
        let events = try harness.authEvents().filter { $0.type == "auth.token_family_revoked" }
        #expect(events.count == 1)
        #expect(events.first?.userID == "owner-user")
    }

    @Test func aRefreshTokenOfAnotherClientIsInvalidGrant() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let other = try await harness.register()
        let tokens = try await harness.tokens(for: client)
        #expect(await harness.refresh(tokens.refresh, client: other).errorCode == "invalid_grant")
        #expect(await harness.refresh(tokens.refresh, client: client).status == 200)
    }

    @Test func anExpiredAccessTokenIsReportedExpired() async throws {
        let harness = try Harness { $0.accessTokenTTL = 60 }
        let client = try await harness.register()
        let tokens = try await harness.tokens(for: client)
        harness.clock.advance(seconds: 59)
        guard case .valid = await harness.validate(tokens.access) else {
            Issue.record("token expired early")
            return
        }
        harness.clock.advance(seconds: 2)
        #expect(await harness.validate(tokens.access) == .expired)
    }

    @Test func aTokenIssuedForAnotherResourceIsNotAcceptedHere() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let tokens = try await harness.tokens(for: client)
        #expect(await harness.server.validateAccessToken(tokens.access, resource: "https://other.example/mcp") == .wrongResource)
        // The same database behind a server with another public URL: its tokens are not this resource's.
        var moved = try OAuthConfiguration(publicBaseURL: "https://moved.example.com")
        moved.clock = { harness.clock.now }
        let elsewhere = try OAuthServer(configuration: moved, ledger: harness.ledger, ownerKeyVerifier: Harness.verifyOwnerKey)
        #expect(await elsewhere.validateAccessToken(tokens.access, resource: elsewhere.resource) == .wrongResource)
    }

    @Test(arguments: ["", "mla_unknown", "mlr_x", "Bearer mla_x", String(repeating: "a", count: 5000)])
    func garbageTokensAreInvalid(token: String) async throws {
        let harness = try Harness()
        #expect(await harness.validate(token) == .invalid)
    }

    @Test func scopesAreTheKnownRequestedOnesAndNeverAdmin() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let readOnly = try await harness.tokens(for: client, scope: "memory.read admin claudeai")
        #expect(readOnly.scope == "memory.read")
        #expect(
            await harness.validate(readOnly.access)
                == .valid(userID: "owner-user", clientID: client.id, clientName: "Test Client", scopes: ["memory.read"]))
        let widened = await harness.refresh(readOnly.refresh, client: client, scope: "memory.read memory.write")
        #expect(widened.status == 400)
        #expect(widened.errorCode == "invalid_scope")
        let unknownOnly = try await harness.tokens(for: client, scope: "admin")
        #expect(unknownOnly.scope == "memory.read memory.write")
    }

    @Test func revocationOfARefreshTokenEndsItsFamily() async throws {
        let harness = try Harness()
        let client = try await harness.register()
        let tokens = try await harness.tokens(for: client)
        let response = await harness.postForm("/revoke", [("token", tokens.refresh), ("client_id", client.id)])
        #expect(response.status == 200)
        #expect(await harness.validate(tokens.access) == .invalid)
        #expect(await harness.refresh(tokens.refresh, client: client).errorCode == "invalid_grant")
        let unknown = await harness.postForm("/revoke", [("token", "mla_unknown"), ("client_id", client.id)])
        #expect(unknown.status == 200)
    }
}
