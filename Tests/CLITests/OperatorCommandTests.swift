import Foundation
import SQLite
import Testing

/// The operator's commands, each run as the real binary against a seeded ledger.
@Suite struct OperatorCommandTests {
    static let commands = [
        "serve", "mcp", "keys", "clients", "verify", "replay", "reindex", "audit", "history", "redact", "restore", "revert", "stats",
        "export", "import", "backup", "restore-backup", "import-mem0", "import-mcp-memory", "debug-seed",
    ]

    @Test(arguments: commands) func everyCommandHasHelpAndRefusesUnknownOptions(_ command: String) throws {
        let help = try memledger([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.hasPrefix("usage: memledger \(command)"))
        let wrong = try memledger([command, "--no-such-option", "x"])
        #expect(wrong.status == 64, "\(command): \(wrong.stderr)")
    }

    @Test func topLevelHelpListsTheCommandsAndUnknownCommandsAreUsageErrors() throws {
        let help = try memledger(["--help"])
        for command in Self.commands where !command.hasPrefix("debug") { #expect(help.stdout.contains(command)) }
        // Each command is listed once: the first word of every indented entry.
        let listed = help.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("    ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(listed.count == Set(listed).count, "listed twice: \(Dictionary(grouping: listed) { $0 }.filter { $1.count > 1 }.keys.sorted())")
        #expect(listed.contains("clients") && listed.contains("keys") && listed.contains("mcp"))
        #expect(try memledger(["frobnicate"]).status == 64)
        let optionFirst = try memledger(["--data", "/tmp/x", "stats"])
        #expect(optionFirst.status == 64 && optionFirst.stderr.contains("options come after the command"), "\(optionFirst.stderr)")
    }

    @Test func aNearMissOptionNamesTheOneMeant() throws {
        let wrong = try memledger(["revert", "3913b007-f888-430a-8c9d-659207e27fb8", "--version", "1"])
        #expect(wrong.status == 64 && wrong.stderr.contains("unknown option --version; did you mean --to-version?"), "\(wrong.stderr)")
    }

    @Test func auditFiltersAndSummarisesPerClient() throws {
        let seeded = try SeededLedger(memories: 20)
        let all = try memledger(["audit", "--data", seeded.path, "--json"]).lines
        #expect(all.count == Int(seeded.head.split(separator: ":")[0]))
        #expect(all.map { $0["position"] as? Int ?? 0 } == Array(1...all.count))
        #expect(all.allSatisfy { $0["content"] == nil && $0["payload"] == nil }, "audit never shows content")

        let alphaAdds = try memledger(["audit", "--data", seeded.path, "--client", "alpha", "--type", "added", "--json"]).lines
        #expect(alphaAdds.count == 10)
        #expect(alphaAdds.allSatisfy { $0["client_id"] as? String == "alpha" && $0["type"] as? String == "memory.added" })
        #expect(try memledger(["audit", "--data", seeded.path, "--agent", "codex", "--json"]).lines.allSatisfy { $0["agent_id"] as? String == "codex" })

        let deleted = seeded.deleted[0]
        let stream = try memledger(["audit", "--data", seeded.path, "--memory", deleted, "--json"]).lines
        #expect(stream.map { $0["type"] as? String ?? "" }.last == "memory.deleted")
        #expect(try memledger(["audit", "--data", seeded.path, "--since", "2999-01-01T00:00:00Z", "--json"]).lines.isEmpty)
        #expect(try memledger(["audit", "--data", seeded.path, "--until", "2000-01-01", "--json"]).lines.isEmpty)
        #expect(try memledger(["audit", "--data", seeded.path, "--since", "yesterday"]).status == 64)

        let summary = try memledger(["audit", "--data", seeded.path, "--summary", "--json"]).lines
        let byClient = Dictionary(uniqueKeysWithValues: summary.map { ($0["client_id"] as? String ?? "", $0) })
        // Seed pattern: even i by alpha, odd by beta; every 4th (i % 4 == 1, odd) updated; i % 10 == 3 (odd) deleted.
        #expect(byClient["alpha"]?["added"] as? Int == 10)
        #expect(byClient["beta"]?["added"] as? Int == 10)
        #expect(byClient["beta"]?["updated"] as? Int == 5)
        #expect(byClient["beta"]?["deleted"] as? Int == 2)
        #expect(byClient["alpha"]?["updated"] as? Int == 0)
        // Per agent: alpha's changes named claude, beta's codex.
        let agents = try memledger(["audit", "--data", seeded.path, "--summary", "--by", "agent", "--json"]).lines
        let byAgent = Dictionary(uniqueKeysWithValues: agents.map { ($0["agent_id"] as? String ?? "", $0) })
        #expect(byAgent["claude"]?["added"] as? Int == 10 && byAgent["codex"]?["updated"] as? Int == 5)
        #expect(try memledger(["audit", "--data", seeded.path, "--summary", "--by", "memory"]).status == 64)
        let table = try memledger(["audit", "--data", seeded.path])
        #expect(table.stdout.contains("CLIENT"))
        #expect(table.stdout.contains("memory.added"))
    }

    @Test func auditRefusesAnUnknownTypeListingTheKnownOnes() throws {
        let seeded = try SeededLedger(memories: 4)
        let bogus = try memledger(["audit", "--data", seeded.path, "--type", "added,bogus"])
        #expect(bogus.status == 64)
        #expect(bogus.stdout.isEmpty, "no table before the refusal")
        for type in ["'bogus'", "memory.added", "memory.redacted", "auth.key_created", "auth.client_registered", "auth.token_family_revoked"] {
            #expect(bogus.stderr.contains(type), "\(bogus.stderr)")
        }
        #expect(try memledger(["audit", "--data", seeded.path, "--type", "memory.bogus"]).status == 64)
        let known = try memledger(["audit", "--data", seeded.path, "--type", "restored,auth.key_created,auth.consent_granted", "--json"])
        #expect(known.status == 0 && known.lines.isEmpty, "known types with no events are an empty answer")
    }

    @Test func historyRestoreRevertAndRedactAppendEventsAsTheOperator() throws {
        let seeded = try SeededLedger(memories: 20)
        let env = ["USER": "ops-person"]
        let updated = seeded.updated[0]
        let history = try memledger(["history", updated, "--data", seeded.path, "--json"]).lines
        #expect(history.map { $0["event"] as? String ?? "" } == ["added", "updated"])
        let original = try #require(history[0]["content"] as? String)

        let revert = try memledger(["revert", updated, "--to-version", "1", "--data", seeded.path, "--json"], environment: env)
        #expect(revert.status == 0, "\(revert.stderr)")
        #expect(revert.object["content"] as? String == original)
        #expect(revert.object["version"] as? Int == 3)
        #expect(try memledger(["revert", updated, "--to-version", "9", "--data", seeded.path]).status == 64)
        let again = try memledger(["revert", updated, "--to-version", "1", "--data", seeded.path], environment: env)
        #expect(again.status == 0 && again.stdout.contains("already has the content and metadata of version 1; nothing appended (still version 3)"))

        let deleted = seeded.deleted[0]
        let restore = try memledger(["restore", deleted, "--data", seeded.path, "--json"], environment: env)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.object["id"] as? String == deleted)
        #expect(try memledger(["restore", deleted, "--data", seeded.path]).status == 1, "not deleted any more")

        let redact = try memledger(["redact", updated, "--reason", "pasted a secret", "--data", seeded.path, "--json"], environment: env)
        #expect(redact.status == 0, "\(redact.stderr)")
        #expect(redact.object["memory_ids"] as? [String] == [updated])
        let after = try memledger(["history", updated, "--data", seeded.path, "--json"]).lines
        #expect(after.map { $0["event"] as? String ?? "" } == ["added", "updated", "updated", "redacted"])
        #expect(after.allSatisfy { $0["content"] is NSNull })
        #expect(try memledger(["redact", updated, "--data", seeded.path]).status == 64, "a reason is required")

        let mine = try memledger(["audit", "--data", seeded.path, "--client", "cli", "--json"]).lines
        #expect(mine.map { $0["type"] as? String ?? "" } == ["memory.updated", "memory.restored", "memory.redacted"])
        #expect(mine.allSatisfy { $0["actor"] as? String == "operator:ops-person" && $0["transport"] as? String == "cli" })
        let summary = try memledger(["audit", "--data", seeded.path, "--client", "cli", "--summary", "--json"]).lines
        #expect(summary.count == 1)
        #expect(summary.first?["client_id"] as? String == "cli")
        for (kind, count) in ["added": 0, "updated": 1, "deleted": 0, "restored": 1, "redacted": 1, "other": 0] {
            #expect(summary.first?[kind] as? Int == count, "\(kind)")
        }
        #expect(try memledger(["history", "00000000-0000-0000-0000-000000000000", "--data", seeded.path]).status == 1)
        #expect(try memledger(["verify", "--data", seeded.path]).status == 0)
    }

    @Test func redactingAUserErasesAllTheirMemoriesAndStatsShowIt() throws {
        let seeded = try SeededLedger(memories: 20)
        let before = try memledger(["stats", "--data", seeded.path, "--json"]).object
        let byUser = try #require(before["memories_by_user"] as? [String: Int])
        #expect((byUser["bob"] ?? 0) > 0)
        #expect(before["events"] as? Int == Int(seeded.head.split(separator: ":")[0]))
        let redact = try memledger(["redact", "--user", "bob", "--reason", "account closed", "--data", seeded.path, "--json"])
        #expect(redact.status == 0)
        let after = try memledger(["stats", "--data", seeded.path, "--json"]).object
        #expect((after["memories_by_user"] as? [String: Int])?["bob"] == nil)
        let redactions = try #require((redact.object["memory_ids"] as? [String])?.count)
        #expect((after["events_by_type"] as? [String: Int])?["memory.redacted"] == redactions)
        let summary = try memledger(["audit", "--data", seeded.path, "--summary", "--json"]).lines
        #expect(summary.first { $0["client_id"] as? String == "cli" }?["redacted"] as? Int == redactions)
        #expect(summary.filter { $0["client_id"] as? String != "cli" }.allSatisfy { $0["redacted"] as? Int == 0 })
        let db = try Connection(path: seeded.database)
        #expect(try db.scalarInt("SELECT count(*) FROM events e JOIN event_payloads p USING (position) WHERE e.user_id = 'bob' AND e.type <> 'memory.redacted'") == 0)
        #expect(try memledger(["verify", "--data", seeded.path]).status == 0)
        #expect(try memledger(["stats", "--data", seeded.path]).stdout.contains("live memories:"))
    }

    @Test func statsCountsTheWriteAheadLogInTheDatabaseSize() throws {
        let seeded = try SeededLedger(memories: 20)
        func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        let stats = try memledger(["stats", "--data", seeded.path, "--json"]).object
        let wal = size(seeded.database + "-wal")
        #expect(wal > 0, "the seeded writes are still in the WAL")
        #expect(stats["wal_bytes"] as? Int == wal)
        #expect(stats["database_bytes"] as? Int == size(seeded.database) + wal)
        let text = try memledger(["stats", "--data", seeded.path]).stdout
        #expect(text.contains("database: \(size(seeded.database) + wal) bytes including the -wal file (\(wal) bytes)"))
    }

    @Test func replayBuildsTheStoreAsItWasAtAPositionOrTime() throws {
        let seeded = try SeededLedger(memories: 20)
        let target = seeded.path + "/at5.sqlite"
        let run = try memledger(["replay", "--data", seeded.path, "--until", "5", "--into", target, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.object["last_position"] as? Int == 5)
        let replayed = try Connection(path: target)
        let live = try Connection(path: seeded.database)
        let expected = try live.scalarInt("SELECT count(DISTINCT stream_id) FROM events WHERE position <= 5 AND type = 'memory.added'")
        #expect(try replayed.scalarInt("SELECT count(*) FROM memories") == expected)
        #expect(try replayed.scalarInt("SELECT max(last_position) FROM memories") ?? 0 <= 5)
        #expect(try memledger(["replay", "--data", seeded.path, "--until", "5", "--into", target]).status == 1, "target exists")

        let full = try memledger(["replay", "--data", seeded.path, "--json"])
        #expect(full.status == 0)
        #expect(full.object["memories"] as? Int == Int(try live.scalarInt("SELECT count(*) FROM memories") ?? -1))
        let past = try memledger(["replay", "--data", seeded.path, "--as-of", "2000-01-01T00:00:00Z", "--json"])
        #expect(past.object["events"] as? Int == 0)
        #expect(past.stderr.contains("no event is at or before 2000-01-01T00:00:00.000Z; the ledger starts at"), "\(past.stderr)")
        #expect(try memledger(["replay", "--data", seeded.path, "--until", "3", "--as-of", "2000-01-01"]).status == 64)
    }

    @Test func commandsWriteBesideAnotherWritingProcess() throws {
        let seeded = try SeededLedger(memories: 10)
        let writer = try ChildProcess(
            memledgerBinary, ["debug-append", "--data", seeded.path, "--stream", "bg", "--count", "400", "--concurrency", "2"],
            stdout: .nullDevice)
        let redact = try memledger(["redact", seeded.live[0], "--reason", "while serving", "--data", seeded.path])
        let restore = try memledger(["restore", seeded.deleted[0], "--data", seeded.path])
        let writerStatus = writer.wait()
        #expect(redact.status == 0, "\(redact.stderr)")
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(writerStatus == 0)
        let verify = try memledger(["verify", "--data", seeded.path, "--json"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.object["events"] as? Int == Int(seeded.head.split(separator: ":")[0])! + 400 + 2)
    }
}
