import Foundation
import HTTP
import Ledger
import Testing

@testable import OAuth

let operatorProvenance = Provenance(clientID: "cli", actor: "operator", transport: .cli)

@Suite struct FlowTests {
    /// Discovery → registration → authorize → consent → token → validation → refresh → revocation,
    /// then a scan of the ledger and the database files for every secret the flow handled.
    @Test func theWholeFlowAndNoSecretIsStoredOrRecorded() async throws {
        let harness = try Harness()
        let prm = try #require(await harness.get("/.well-known/oauth-protected-resource/mcp")).jsonObject()
        let issuer = try #require((prm["authorization_servers"] as? [String])?.first)
        #expect(issuer == Harness.base)
        let asm = try #require(await harness.get("/.well-known/oauth-authorization-server")).jsonObject()
        #expect(asm["registration_endpoint"] as? String == issuer + "/register")

        let client = try await harness.register(redirects: ["https://claude.ai/api/mcp/auth_callback"], method: "client_secret_post", name: "Claude")
        let requestID = try await harness.consentRequestID(client)
        let consent = await harness.submitConsent(requestID: requestID, clientID: client.id, key: Harness.ownerKey)
        #expect(consent.status == 302)
        let code = try #require(try consent.redirectQuery()["code"])
        let tokenResponse = await harness.exchange(code, client: client)
        #expect(tokenResponse.status == 200)
        #expect(tokenResponse.headers["Cache-Control"] == "no-store")
        let body = try tokenResponse.jsonObject()
        #expect(body["token_type"] as? String == "Bearer")
        #expect(body["expires_in"] as? Int == 3600)
        let tokens = try tokenResponse.tokens()
        #expect(tokens.access.hasPrefix("mla_"))
        #expect(
            await harness.validate(tokens.access)
                == .valid(userID: "owner-user", clientID: client.id, clientName: "Claude", scopes: ["memory.read", "memory.write"]))

        let refreshed = try await harness.refresh(tokens.refresh, client: client).tokens()
        guard case .valid = await harness.validate(refreshed.access) else {
            Issue.record("refreshed token not valid")
            return
        }
        #expect(try OAuthAdministration.clients(in: harness.ledger, now: harness.clock.now).first?.activeGrants == 1)

        #expect(try OAuthAdministration.revokeSync(client.id, provenance: operatorProvenance, in: harness.ledger))
        #expect(await harness.validate(refreshed.access) == .invalid)
        #expect(await harness.refresh(refreshed.refresh, client: client).errorCode == "invalid_client")
        #expect(try #require(await harness.get(harness.authorizeTarget(client))).status == 400)
        #expect(try OAuthAdministration.revokeSync(client.id, provenance: operatorProvenance, in: harness.ledger) == false)

        let events = try harness.authEvents()
        #expect(events.map(\.type) == ["auth.client_registered", "auth.consent_granted", "auth.client_revoked"])
        #expect(events.allSatisfy { $0.streamID == "auth:\(client.id)" })
        let granted = try #require(events.first { $0.type == "auth.consent_granted" })
        #expect(granted.userID == "owner-user")
        #expect(granted.provenance.actor == "owner")
        #expect(events.last?.provenance.transport == .cli)

        let secrets = [Harness.ownerKey, try #require(client.secret), code, Harness.verifier, tokens.access, tokens.refresh,
            refreshed.access, refreshed.refresh, requestID]
        for event in events {
            let payload = String(decoding: event.payload ?? [], as: UTF8.self)
            for secret in secrets { #expect(!payload.contains(secret)) }
        }
        _ = try harness.ledger.checkpoint()
        // Positive control: the scan does find what is stored (the client id is not a secret).
        #expect(fileContains(harness.database, client.id) || fileContains(harness.database + "-wal", client.id))
        for file in [harness.database, harness.database + "-wal"] {
            for secret in secrets { #expect(!fileContains(file, secret), "a secret is stored in \(file)") }
        }
    }

    @Test func clientsListShowsRegistrationsWithoutSecrets() async throws {
        let harness = try Harness()
        let client = try await harness.register(method: "client_secret_basic", name: "Codex")
        let listed = try OAuthAdministration.clients(in: harness.ledger)
        #expect(listed.map(\.clientID) == [client.id])
        #expect(listed.first?.consentedAt == nil)
        let json = listed[0].json.description
        #expect(json.contains("Codex"))
        #expect(!json.contains(try #require(client.secret)))
    }
}
