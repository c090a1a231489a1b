import Foundation
import Testing

/// `memledger clients list|revoke` against the OAuth clients a live `memledger serve` registered.
@Suite struct ClientsCommandTests {
    /// The clients `clients list --json` prints, one JSON line each.
    func clients(_ data: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let run = try memledger(["clients", "list", "--data", data, "--json"])
        #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
        return run.lines
    }

    @Test(.enabled(if: RunningServer.available))
    func listShowsTheClientsAndRevokeStopsTheirTokensAtOnceAndIsRecorded() throws {
        let dir = TempDirectory()
        let server = try RunningServer(data: dir.path, oauth: true)
        try #require(server.base.hasPrefix("http://127.0.0.1:"), "serve did not report its address")
        let (claude, token) = try server.grant(client: "Claude")
        let (codex, codexToken) = try server.grant(client: "Codex")
        #expect(try server.mcp("tools/list", bearer: token) == 200)

        let listed = try clients(dir.path)
        #expect(listed.map { $0["client_id"] as? String } == [claude, codex])
        #expect(listed.map { $0["client_name"] as? String } == ["Claude", "Codex"])
        for client in listed {
            #expect(client["redirect_uris"] as? [String] == ["http://127.0.0.1:40123/cb"])
            #expect(client["token_endpoint_auth_method"] as? String == "none")
            #expect(client["active_grants"] as? Int == 1)
            #expect(client["consented_at"] is String)
            #expect(client["revoked_at"] is NSNull)
        }
        let table = try memledger(["clients", "list", "--data", dir.path])
        #expect(table.status == 0)
        let claudeLine = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix(claude) })
        #expect(claudeLine.contains("Claude") && claudeLine.contains("[none]") && claudeLine.contains("approved ") && claudeLine.contains("grants: 1"))
        #expect(table.stdout.contains("\n    http://127.0.0.1:40123/cb"))
        #expect(!table.stdout.contains(token), "no secret is ever listed")

        let revoke = try memledger(["clients", "revoke", claude, "--data", dir.path], environment: ["USER": "ops-person"])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("revoked \(claude)"))
        #expect(try server.mcp("tools/list", bearer: token) == 401, "the running server refuses the revoked client's token at once")
        #expect(try server.mcp("tools/list", bearer: codexToken) == 200, "other clients keep working")

        let after = try clients(dir.path)
        #expect(after.first { $0["client_id"] as? String == claude }?["revoked_at"] is String)
        #expect(after.first { $0["client_id"] as? String == claude }?["active_grants"] as? Int == 0)
        #expect(after.first { $0["client_id"] as? String == codex }?["revoked_at"] is NSNull)
        #expect(try memledger(["clients", "list", "--data", dir.path]).stdout.contains("revoked "))

        let recorded = try memledger(["audit", "--data", dir.path, "--type", "auth.client_revoked", "--json"]).lines
        #expect(recorded.count == 1)
        #expect(recorded.first?["stream_id"] as? String == "auth:\(claude)")
        #expect(recorded.first?["transport"] as? String == "cli")
        #expect(recorded.first?["client_id"] as? String == "cli")
        #expect(recorded.first?["actor"] as? String == "operator:ops-person")

        let again = try memledger(["clients", "revoke", claude, "--data", dir.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already revoked"))
    }

    @Test func revokingAnUnknownClientExits1SayingSoAndRecordsNothing() throws {
        let seeded = try SeededLedger(memories: 2)
        let events = try memledger(["audit", "--data", seeded.path, "--json"]).lines.count
        #expect(try memledger(["clients", "list", "--data", seeded.path]).stdout.contains("no OAuth clients registered"))
        #expect(try clients(seeded.path).isEmpty)

        let run = try memledger(["clients", "revoke", "cl_nobody", "--data", seeded.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no OAuth client cl_nobody"))
        #expect(run.stdout.isEmpty)
        let json = try memledger(["clients", "revoke", "cl_nobody", "--data", seeded.path, "--json"])
        #expect(json.status == 1)
        #expect(json.object["revoked"] as? Bool == false)
        #expect(try memledger(["audit", "--data", seeded.path, "--json"]).lines.count == events, "nothing was appended")

        #expect(try memledger(["clients", "revoke", "--data", seeded.path]).status == 64)
        #expect(try memledger(["clients", "forget", "x", "--data", seeded.path]).status == 64)
        #expect(try memledger(["clients", "list", "--data", seeded.path + "/missing"]).status == 69)
    }
}
