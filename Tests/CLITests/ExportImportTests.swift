import Foundation
import SQLite
import Testing

/// Export, import, backup and restore: every path out of a data directory and back proves its head.
@Suite struct ExportImportTests {
    @Test func exportThenImportIntoAFreshDirectoryReproducesEveryHashAndTheHead() throws {
        let seeded = try SeededLedger(memories: 25)
        // A redaction too: its erased payloads must travel as nulls and still verify.
        #expect(try memledger(["redact", seeded.updated[0], "--reason", "secret", "--data", seeded.path]).status == 0)
        let head = try #require(try memledger(["verify", "--data", seeded.path, "--json"]).object["head"] as? String)
        let file = seeded.path + "/export.jsonl"
        let export = try memledger(["export", "--data", seeded.path, "--out", file, "--json"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.object["head"] as? String == head)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == Int(head.split(separator: ":")[0])! + 2)
        #expect(lines.first?.contains("\"format\":\"memledger-export\"") == true)
        #expect(lines.last?.contains("\"end\":true") == true)

        let target = TempDirectory()
        let imported = try memledger(["import", file, "--data", target.path, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.object["head"] as? String == head)
        #expect(imported.object["ok"] as? Bool == true)
        let verify = try memledger(["verify", "--data", target.path, "--expect-head", head, "--json"])
        #expect(verify.status == 0)
        #expect(verify.object["redacted_payloads"] as? Int == 2)
        let a = try Connection(path: seeded.database).query("SELECT id, content, version FROM memories ORDER BY seq") { [$0.value(0), $0.value(1), $0.value(2)] }
        let b = try Connection(path: target.database).query("SELECT id, content, version FROM memories ORDER BY seq") { [$0.value(0), $0.value(1), $0.value(2)] }
        #expect(a == b)
        #expect(try memledger(["import", file, "--data", target.path]).status == 1, "only into an empty directory")

        // Streamed through stdin as well.
        let piped = TempDirectory()
        let viaStdin = try memledger(["import", "-", "--data", piped.path, "--json"], input: try Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(viaStdin.object["head"] as? String == head)
    }

    @Test func aTamperedTruncatedOrForeignExportImportsNothing() throws {
        let seeded = try SeededLedger(memories: 10)
        let file = seeded.path + "/export.jsonl"
        #expect(try memledger(["export", "--data", seeded.path, "--out", file]).status == 0)
        #expect(try memledger(["export", "--data", seeded.path, "--out", file]).status == 1, "never overwrites")
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)

        func importing(_ text: String) throws -> (RunResult, Int64?) {
            let target = TempDirectory()
            let path = target.path + "/in.jsonl"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try memledger(["import", path, "--data", target.path + "/data"])
            let events = try? Connection(path: target.path + "/data/memledger.sqlite").scalarInt("SELECT count(*) FROM events")
            return (run, events ?? nil)
        }

        let truncated = try importing(lines.dropLast(3).joined(separator: "\n") + "\n")
        #expect(truncated.0.status == 65)
        #expect(truncated.0.stderr.contains("truncated"))
        #expect(truncated.1 ?? 0 == 0)

        lines[4] = lines[4].replacingOccurrences(of: "\"actor\":\"seed\"", with: "\"actor\":\"mallory\"")
        let tampered = try importing(lines.joined(separator: "\n") + "\n")
        #expect(tampered.0.status == 65)
        #expect(tampered.0.stderr.contains("position 4"))
        #expect(tampered.1 ?? 0 == 0)

        let foreign = try importing("{\"results\": []}\n")
        #expect(foreign.0.status == 65)
    }

    @Test func backupWhileAWriterRunsRestoresAndVerifiesWithTheSameHead() throws {
        let seeded = try SeededLedger(memories: 10)
        let writer = try ChildProcess(
            memledgerBinary, ["debug-append", "--data", seeded.path, "--stream", "w", "--count", "300", "--concurrency", "2"],
            stdout: .nullDevice)
        usleep(50_000)
        let file = seeded.path + "/backup.sqlite"
        let backup = try memledger(["backup", file, "--data", seeded.path, "--json"])
        writer.wait()
        #expect(backup.status == 0, "\(backup.stderr)")
        let head = try #require(backup.object["head"] as? String)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let target = TempDirectory()
        let restore = try memledger(["restore-backup", file, "--data", target.path + "/data", "--expect-head", head, "--json"])
        #expect(restore.status == 0, "\(restore.stdout) \(restore.stderr)")
        #expect(restore.object["head"] as? String == head)
        #expect(try memledger(["verify", "--data", target.path + "/data", "--expect-head", head]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: target.path + "/data/memledger.sqlite.restoring"))
        #expect(try memledger(["restore-backup", file, "--data", target.path + "/data"]).status == 1, "never over an existing database")
        #expect(try memledger(["backup", file, "--data", seeded.path]).status == 1, "never overwrites")
    }

    /// A backup is the whole database, not just the ledger: API keys, OAuth clients and their
    /// tokens, and the embedding cache come back with it, and still work when served.
    @Test(.enabled(if: RunningServer.available))
    func aBackupCarriesTheKeysTheOAuthClientsAndTheEmbeddingCache() throws {
        let dir = TempDirectory()
        let file = dir.path + "/backup.sqlite"
        let readerKey: String
        let token: String
        do {
            let server = try RunningServer(data: dir.path, oauth: true)
            try #require(server.base.hasPrefix("http://127.0.0.1:"), "serve did not report its address")
            token = try server.grant(client: "Claude").token
            #expect(try server.call("POST", "/api/v1/memories", body: #"{"content": "The wifi password is on the fridge"}"#).0 == 201)
            let created = try memledger(["keys", "create", "--name", "reader", "--scopes", "memory.read", "--user", "default", "--data", dir.path, "--json"])
            readerKey = try #require(created.object["key"] as? String, "\(created.stderr)")
            #expect(try memledger(["backup", file, "--data", dir.path]).status == 0)
        }
        let target = TempDirectory()
        let restore = try memledger(["restore-backup", file, "--data", target.path + "/data"])
        #expect(restore.status == 0, "\(restore.stdout) \(restore.stderr)")

        let source = try Connection(path: dir.database)
        let restored = try Connection(path: target.path + "/data/memledger.sqlite")
        for table in ["api_keys", "oauth_clients", "oauth_token_families", "oauth_access_tokens", "oauth_refresh_tokens", "embedding_cache"] {
            func rows(_ db: Connection) throws -> [[SQLValue]] {
                try db.query("SELECT * FROM \(table) ORDER BY 1, 2") { row in (0..<row.columnCount).map(row.value) }
            }
            let original = try rows(source)
            #expect(!original.isEmpty, "\(table) has rows to copy")
            #expect(try rows(restored) == original, "\(table)")
        }

        let served = try RunningServer(data: target.path + "/data", oauth: true)
        try #require(served.base.hasPrefix("http://127.0.0.1:"), "serve did not report its address")
        let (status, listed) = try served.call("GET", "/api/v1/memories", bearer: readerKey)
        #expect(status == 200, "the key created before the backup authenticates")
        #expect((listed["results"] as? [[String: Any]])?.map { $0["content"] as? String } == ["The wifi password is on the fridge"])
        #expect(try served.mcp("tools/list", bearer: token) == 200, "the access token issued before the backup works")
    }

    @Test func aBackupThatFailsVerifyIsNotRestored() throws {
        let seeded = try SeededLedger(memories: 10)
        let file = seeded.path + "/backup.sqlite"
        #expect(try memledger(["backup", file, "--data", seeded.path]).status == 0)
        let db = try Connection(path: file)
        try db.execute("DROP TRIGGER events_are_append_only_update")
        try db.run("UPDATE events SET user_id = 'eve' WHERE position = 3")
        try db.execute("PRAGMA journal_mode=DELETE")
        let target = TempDirectory()
        let restore = try memledger(["restore-backup", file, "--data", target.path + "/data", "--json"])
        #expect(restore.status == 1)
        #expect((restore.object["verify"] as? [String: Any])?["first_broken_position"] as? Int == 3)
        let left = try FileManager.default.contentsOfDirectory(atPath: target.path + "/data")
        #expect(left.filter { $0.hasPrefix("memledger.sqlite") }.isEmpty)
    }
}
