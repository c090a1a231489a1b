import Foundation
import SQLite
import Testing

/// Operator commands against a data directory a live `memledger serve` is writing to.
@Suite struct BesideServerTests {
    @Test(.enabled(if: RunningServer.available))
    func redactRestoreAndBackupWorkWhileTheServerServes() throws {
        let dir = TempDirectory()
        let server = try RunningServer(data: dir.path)
        try #require(server.base.hasPrefix("http://127.0.0.1:"), "serve did not report its address")
        let (status, added) = try server.call("POST", "/api/v1/memories", body: #"{"content": "The deploy password is hunter2", "agent_id": "claude"}"#)
        #expect(status == 200 || status == 201)
        let id = try #require((added["id"] as? String) ?? ((added["results"] as? [[String: Any]])?.first?["id"] as? String))
        let (_, second) = try server.call("POST", "/api/v1/memories", body: #"{"content": "Prefers short answers"}"#)
        let other = try #require((second["id"] as? String) ?? ((second["results"] as? [[String: Any]])?.first?["id"] as? String))
        #expect(try server.call("DELETE", "/api/v1/memories/\(other)").0 == 200)

        #expect(try memledger(["redact", id, "--reason", "leaked credential", "--data", dir.path]).status == 0)
        #expect(try server.call("GET", "/api/v1/memories/\(id)").0 == 404, "the server sees the redaction at once")
        #expect(try memledger(["restore", other, "--data", dir.path]).status == 0)
        #expect(try server.call("GET", "/api/v1/memories/\(other)").0 == 200, "the server sees the restore at once")

        let backup = try memledger(["backup", dir.path + "/b.sqlite", "--data", dir.path, "--json"])
        #expect(backup.status == 0)
        let audit = try memledger(["audit", "--data", dir.path, "--type", "added,deleted,restored,redacted", "--json"]).lines
        #expect(audit.map { $0["transport"] as? String ?? "" } == ["rest", "rest", "rest", "cli", "cli"])
        let verify = try memledger(["verify", "--data", dir.path, "--json"])
        #expect(verify.status == 0, "\(verify.stdout)")
        let db = try Connection(path: dir.database)
        #expect(try db.scalarInt("SELECT count(*) FROM event_payloads p JOIN events e USING (position) WHERE e.stream_id = ?", [.text(id)]) == 1,
                "only the redaction's own payload is left")
    }
}
