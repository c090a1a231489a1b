import Crypto
import Foundation
import Schema
import SQLite
import Testing

@testable import Ledger

struct Answer: Codable, Sendable, Hashable {
    var position: Int64
    var note: String
}

@Suite struct LedgerIntegrityTests {
    func idempotentAppend(_ ledger: Ledger, key: String, request: String) async throws -> IdempotentOutcome<Answer> {
        try await ledger.write(
            idempotency: IdempotencyKey(clientID: "k1", key: key, requestDigest: SHA256.hash(request)),
            subjects: { _ in ["s"] }
        ) { tx in
            let e = try tx.append(to: "s", events: [NewEvent(type: "t", userID: "u", payload: payload(request))], provenance: cli)
            return Answer(position: e[0].position, note: request)
        }
    }

    @Test func aRetryWithTheSameKeyReturnsTheFirstAnswerAndAppendsNothing() async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        let first = try await idempotentAppend(ledger, key: "abc", request: "r1")
        let retry = try await idempotentAppend(ledger, key: "abc", request: "r1")
        #expect(!first.replayed && retry.replayed)
        #expect(first.value == retry.value)
        #expect(try ledger.head().position == 1)
        #expect(try ledger.events()[0].idempotencyKey == "abc")
        // The same key with a different request is refused; another key goes through.
        await #expect(throws: LedgerError.idempotencyKeyReused(key: "abc")) {
            _ = try await idempotentAppend(ledger, key: "abc", request: "r2")
        }
        _ = try await idempotentAppend(ledger, key: "def", request: "r2")
        #expect(try ledger.head().position == 2)
    }

    @Test func concurrentRetriesWithOneKeyAppendOneEvent() async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        let answers = try await withThrowingTaskGroup(of: IdempotentOutcome<Answer>.self) { group in
            for _ in 0..<10 { group.addTask { try await idempotentAppend(ledger, key: "same", request: "r") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try ledger.head().position == 1)
        #expect(Set(answers.map(\.value)).count == 1)
        #expect(answers.filter { !$0.replayed }.count == 1)
    }

    @Test(arguments: ["UPDATE events SET type = 'x' WHERE position = 1", "DELETE FROM events WHERE position = 1"])
    func theDatabaseRejectsRewritingEvents(sql: String) async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        try await ledger.write { tx in
            try tx.append(to: "s", events: [NewEvent(type: "t", userID: nil, payload: payload("1"))], provenance: cli)
        }
        let raw = try Connection(path: dir.database)
        #expect {
            try raw.execute(sql)
        } throws: { error in
            (error as? SQLiteError)?.message.contains("append-only") == true
        }
        #expect(try ledger.events().first?.type == "t")
    }

    func seeded(_ dir: TempDirectory, count: Int = 10) async throws -> Ledger {
        let ledger = try Ledger(path: dir.database)
        for i in 1...count {
            try await ledger.write { tx in
                try tx.append(to: "s\(i % 3)", events: [NewEvent(type: "t", userID: "u", payload: payload("event \(i)"))], provenance: cli)
            }
        }
        return ledger
    }

    @Test func verifyNamesTheFirstTamperedPosition() async throws {
        let dir = TempDirectory()
        let ledger = try await seeded(dir)
        #expect(try ledger.verify().isValid)
        // Someone with raw access drops the guard and rewrites an envelope field of position 6.
        let raw = try Connection(path: dir.database)
        try raw.execute("DROP TRIGGER events_are_append_only_update")
        try raw.run("UPDATE events SET agent_id = 'mallory' WHERE position = 6")
        let report = try ledger.verify()
        #expect(!report.isValid)
        #expect(report.firstBrokenPosition == 6)
    }

    @Test func verifyNamesATamperedPayload() async throws {
        let dir = TempDirectory()
        let ledger = try await seeded(dir)
        let raw = try Connection(path: dir.database)
        try raw.run("UPDATE event_payloads SET payload = ? WHERE position = 4", .blob(payload("forged")))
        let report = try ledger.verify()
        #expect(report.payloadMismatches == [4])
        #expect(report.firstBrokenPosition == nil)
        #expect(!report.isValid)
    }

    @Test func verifyNamesADeletedEvent() async throws {
        let dir = TempDirectory()
        let ledger = try await seeded(dir)
        let raw = try Connection(path: dir.database)
        try raw.execute("DROP TRIGGER events_are_append_only_delete; PRAGMA foreign_keys=OFF;")
        try raw.run("DELETE FROM events WHERE position = 3")
        #expect(try ledger.verify().firstBrokenPosition == 3)
    }

    @Test func redactionKeepsTheChainVerifiableAndLeavesNoByteBehind() async throws {
        let dir = TempDirectory()
        let ledger = try Ledger(path: dir.database)
        let secret = "sk-live-SECRET-4242-do-not-keep"
        try await ledger.write { tx in
            try tx.append(to: "m1", events: [NewEvent(type: "memory.added", userID: "u", payload: payload(secret))], provenance: cli)
            try tx.append(to: "m2", events: [NewEvent(type: "memory.added", userID: "u", payload: payload("keep me"))], provenance: cli)
        }
        _ = try await ledger.write(
            idempotency: IdempotencyKey(clientID: "k", key: "i1", requestDigest: [1]), subjects: { _ in ["m1"] }
        ) { _ in Answer(position: 1, note: secret) }
        #expect(file(dir.database + "-wal", contains: secret) || file(dir.database, contains: secret))

        try await ledger.write { tx in
            try tx.erasePayloads(ofStream: "m1")
            try tx.append(to: "m1", events: [NewEvent(type: "memory.redacted", userID: "u", payload: Array("{}".utf8))], provenance: cli)
        }
        #expect(try ledger.checkpoint())

        let report = try ledger.verify()
        #expect(report.isValid)
        #expect(report.redactedPayloads == 1)
        #expect(!file(dir.database, contains: secret))
        #expect(!file(dir.database + "-wal", contains: secret))
        #expect(file(dir.database, contains: "keep me"))
        #expect(try ledger.stream("m1").map(\.isRedacted) == [true, false])
    }
}

@Suite struct MigrationTests {
    @Test func theEmbeddedMigrationsAreTheFilesInMigrations() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == Migration.all.map(\.name), "run tools/embed-migrations.sh")
        func normalised(_ s: String) -> String {
            s.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.replacing(/\s+$/, with: "") }.joined(separator: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for (file, migration) in zip(files, Migration.all) {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            #expect(normalised(text) == normalised(migration.sql), "\(file) differs from the embedded copy: run tools/embed-migrations.sh")
        }
    }

    @Test func aChangedMigrationRefusesToOpen() throws {
        let dir = TempDirectory()
        var config = LedgerConfiguration()
        config.migrations = [Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (x)")]
        _ = try Ledger(path: dir.database, configuration: config)
        config.migrations = [Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (x, y)")]
        #expect(throws: LedgerError.migrationChanged(version: 1, name: "0001_a")) {
            _ = try Ledger(path: dir.database, configuration: config)
        }
        #expect("\(LedgerError.migrationChanged(version: 1, name: "0001_a"))".contains("never edited"))
    }

    @Test func migrationsApplyOnceAcrossReopens() throws {
        let dir = TempDirectory()
        _ = try Ledger(path: dir.database)
        _ = try Ledger(path: dir.database)
        let raw = try Connection(path: dir.database)
        #expect(try raw.scalarInt("SELECT count(*) FROM schema_migrations") == Int64(Migration.all.count))
    }
}
