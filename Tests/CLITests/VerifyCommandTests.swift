import Crypto
import Foundation
import SQLite
import Testing

/// `verify` names what is wrong: a tampered event, a tampered payload, a drifted row in each projection.
@Suite struct VerifyCommandTests {
    /// Opens the live database for tampering, with the append-only triggers out of the way.
    func tamper(_ seeded: SeededLedger, _ sql: String, _ arguments: [SQLValue] = []) throws {
        let db = try Connection(path: seeded.database)
        try db.execute("DROP TRIGGER IF EXISTS events_are_append_only_update")
        try db.run(sql, arguments: arguments)
    }

    func verify(_ seeded: SeededLedger) throws -> RunResult {
        try memledger(["verify", "--data", seeded.path, "--json"])
    }

    @Test func aSeededLedgerVerifiesWithProjectionsMatchingARebuild() throws {
        let seeded = try SeededLedger()
        let run = try verify(seeded)
        #expect(run.status == 0)
        #expect(run.object["ok"] as? Bool == true)
        #expect(run.object["head"] as? String == seeded.head)
        #expect(run.object["projections_compared_at"] as? Int == Int(seeded.head.split(separator: ":")[0]))
        #expect(run.object["drift"] is NSNull)
        let text = try memledger(["verify", "--data", seeded.path])
        #expect(text.stdout.contains("projections match a rebuild"))
        #expect(try memledger(["verify", "--data", seeded.path, "--expect-head", seeded.head]).status == 0)
    }

    @Test func aTamperedEnvelopeIsNamedByPosition() throws {
        let seeded = try SeededLedger()
        try tamper(seeded, "UPDATE events SET actor = 'mallory' WHERE position = 7")
        let run = try verify(seeded)
        #expect(run.status == 1)
        #expect(run.object["first_broken_position"] as? Int == 7)
        #expect((run.object["reason"] as? String)?.contains("hash does not match") == true)
    }

    @Test func aTamperedPayloadIsNamedByPosition() throws {
        let seeded = try SeededLedger()
        try tamper(seeded, "UPDATE event_payloads SET payload = CAST('{\"content\":\"forged\",\"metadata\":{}}' AS BLOB) WHERE position = 5")
        let run = try verify(seeded)
        #expect(run.status == 1)
        #expect(run.object["payload_mismatches"] as? [Int] == [5])
        #expect(run.object["first_broken_position"] == nil)
    }

    @Test func aDriftedReadModelRowIsNamedByTableRowAndColumn() throws {
        let seeded = try SeededLedger()
        let seq = try #require(try Connection(path: seeded.database).scalarInt("SELECT seq FROM memories ORDER BY seq LIMIT 1 OFFSET 3"))
        try tamper(seeded, "UPDATE memories SET metadata = '{\"forged\":true}' WHERE seq = ?", [.integer(seq)])
        let run = try verify(seeded)
        #expect(run.status == 1)
        let drift = try #require(run.object["drift"] as? [String: Any])
        #expect(drift["table"] as? String == "memories")
        #expect(drift["row"] as? String == "seq=\(seq)")
        #expect((drift["detail"] as? String)?.contains("metadata") == true)
        let text = try memledger(["verify", "--data", seeded.path])
        #expect(text.stdout.contains("memories row seq=\(seq)"))
        #expect(!text.stdout.contains("forged"))
    }

    @Test func aMissingReadModelRowIsDrift() throws {
        let seeded = try SeededLedger()
        let seq = try #require(try Connection(path: seeded.database).scalarInt("SELECT max(seq) FROM memories"))
        try tamper(seeded, "DELETE FROM memories WHERE seq = ?", [.integer(seq)])
        let drift = try #require(try verify(seeded).object["drift"] as? [String: Any])
        #expect(drift["table"] as? String == "memories")
        #expect(drift["row"] as? String == "seq=\(seq)")
        #expect((drift["detail"] as? String)?.contains("missing from the live store") == true)
    }

    @Test func aDriftedFullTextRowIsNamed() throws {
        let seeded = try SeededLedger()
        let seq = try #require(try Connection(path: seeded.database).scalarInt("SELECT min(rowid) FROM memories_fts"))
        try tamper(seeded, "UPDATE memories_fts SET terms = 'planted words' WHERE rowid = ?", [.integer(seq)])
        let run = try verify(seeded)
        #expect(run.status == 1)
        let drift = try #require(run.object["drift"] as? [String: Any])
        #expect(drift["table"] as? String == "memories_fts")
        #expect(drift["row"] as? String == "rowid=\(seq)")
        #expect((drift["detail"] as? String)?.contains("terms") == true)
    }

    @Test func anOrphanVectorIsDrift() throws {
        let seeded = try SeededLedger()
        try tamper(seeded, "INSERT INTO memory_vectors (seq, model, dims, vector) VALUES (999999, 'memledger-hash-v1', 2, zeroblob(8))")
        let drift = try #require(try verify(seeded).object["drift"] as? [String: Any])
        #expect(drift["table"] as? String == "memory_vectors")
        #expect(drift["row"] as? String == "seq=999999")
    }

    @Test func aVectorThatIsNotItsContentsEmbeddingIsDrift() throws {
        let seeded = try SeededLedger()
        let db = try Connection(path: seeded.database)
        // The seed computed real vectors with the built-in embedder, each cached under its content.
        let (seq, vector) = try #require(try db.first("SELECT seq, vector FROM memory_vectors ORDER BY seq LIMIT 1") { ($0.int64(0), $0.blob(1)) })
        var forged = vector
        forged[0] ^= 0x55
        try db.run("UPDATE memory_vectors SET vector = ? WHERE seq = ?", .blob(forged), .integer(seq))
        let drift = try #require(try verify(seeded).object["drift"] as? [String: Any])
        #expect(drift["table"] as? String == "memory_vectors")
        #expect(drift["row"] as? String == "seq=\(seq)")
        #expect((drift["detail"] as? String)?.contains("embedding of its memory's content") == true)
    }

    @Test func aMemoryWithoutVectorOrQueueEntryIsDrift() throws {
        let seeded = try SeededLedger()
        let db = try Connection(path: seeded.database)
        let seq = try #require(try db.scalarInt("SELECT max(seq) FROM memory_vectors"))
        try db.run("DELETE FROM memory_vectors WHERE seq = ?", .integer(seq))
        let drift = try #require(try verify(seeded).object["drift"] as? [String: Any])
        #expect(drift["row"] as? String == "seq=\(seq)")
        #expect((drift["detail"] as? String)?.contains("reindex") == true)
        try db.run("INSERT INTO pending_vectors (seq) VALUES (?)", .integer(seq))
        #expect(try verify(seeded).status == 0, "queued for the vector worker is not drift")
    }

    @Test func chainOnlySkipsTheRebuildAndWrongArgumentsAreUsageErrors() throws {
        let seeded = try SeededLedger(memories: 5)
        let run = try memledger(["verify", "--data", seeded.path, "--chain-only", "--json"])
        #expect(run.status == 0)
        #expect(run.object["projections_compared_at"] == nil)
        #expect(try memledger(["verify", "--data", seeded.path, "--expect-head", "nonsense"]).status == 64)
        #expect(try memledger(["verify", "--data", seeded.path + "/absent"]).status == 69)
    }
}
