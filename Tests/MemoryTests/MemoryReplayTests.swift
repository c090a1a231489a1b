import Crypto
import Foundation
import JSON
@testable import Ledger
import Schema
import SQLite
import Testing

@testable import Memory

@Suite struct MemoryReplayTests {
    /// A seeded pseudo-random generator (SplitMix64), so a failing sequence can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func snapshot(_ path: String) throws -> [String: [[SQLValue]]] {
        try MemoryRebuilder.snapshot(of: try Connection(path: path, options: .init(mode: .readOnly)))
    }

    func schema(_ path: String, _ sql: String) throws -> [[SQLValue]] {
        try Connection(path: path, options: .init(mode: .readOnly)).query(sql) { [$0.value(0), $0.value(1)] }
    }

    /// Read a chunk at a time, every table gives its rows whole and in key order, across chunk ends.
    @Test func projectedRowsReadInChunksEqualTheWholeTable() async throws {
        let store = try Store(durable: false)
        for i in 0..<11 { try await store.service.add("fact number \(i)", by: caller(user: i % 3 == 0 ? "bob" : "alice")) }
        let db = try Connection(path: store.database, options: .init(mode: .readOnly))
        for table in ProjectedRows.tables {
            let whole = try db.query("SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.key)") { row in
                table.columns.indices.map { row.value($0) }
            }
            #expect(!whole.isEmpty, "\(table.name)")
            for chunkSize in [1, 3, whole.count, whole.count + 5] {
                var rows = ProjectedRows(table, in: db, chunkSize: chunkSize)
                var read: [[SQLValue]] = []
                while let row = try rows.next() { read.append(row) }
                #expect(read == whole, "\(table.name) in chunks of \(chunkSize)")
                #expect(try rows.next() == nil)
            }
        }
    }

    @Test func incrementalEqualsRebuiltAfterFiveThousandRandomCommands() async throws {
        let store = try Store(durable: false)
        var rng = SplitMix(state: 20_261_203)
        let words = ["tea", "coffee", "Lisbon", "Porto", "peanuts", "dark mode", "vim", "rust", "swift", "日本", "Zoë", "🥜"]
        var live: [String] = []
        var deleted: [String] = []
        var middle: (position: Int64, snapshot: [String: [[SQLValue]]])?
        let users = ["alice", "bob"]
        for step in 0..<5_000 {
            let who = caller(["claude", "codex", "chatgpt"].randomElement(using: &rng)!, user: users.randomElement(using: &rng)!)
            let roll = Int.random(in: 0..<100, using: &rng)
            do {
                if roll < 45 || live.isEmpty {
                    let text = (0..<3).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ") + " \(Int.random(in: 0..<400, using: &rng))"
                    let m = try await store.service.add(text, by: who, metadata: ["n": .int(Int64(step % 7))])
                    if !live.contains(m.id) { live.append(m.id) }
                } else if roll < 75 {
                    let id = live.randomElement(using: &rng)!
                    _ = try await store.service.update(id, content: "changed \(step)", metadata: roll % 2 == 0 ? ["s": .int(Int64(step))] : nil, caller: who)
                } else if roll < 88 {
                    let id = live.remove(at: Int.random(in: 0..<live.count, using: &rng))
                    _ = try await store.service.delete(id, caller: who)
                    deleted.append(id)
                } else if roll < 94, !deleted.isEmpty {
                    let id = deleted.remove(at: Int.random(in: 0..<deleted.count, using: &rng))
                    _ = try await store.service.restore(id, caller: who)
                    live.append(id)
                } else {
                    let id = live.randomElement(using: &rng)!
                    _ = try await store.service.revert(id, toVersion: 1, caller: who)
                }
            } catch let error as MemoryError where error.code == .notFound || error.code == .conflict {
                // Commands against another user's memory or duplicate content are refused; that is part of the mix.
            }
            if step == 2_500 {
                middle = (try store.service.ledger.head().position, try snapshot(store.database))
            }
        }
        // The whole ledger rebuilt equals the live store, row by row.
        let rebuilt = store.dir + "/rebuilt.sqlite"
        let (count, _) = try MemoryRebuilder.rebuild(from: store.service.ledger, into: rebuilt)
        #expect(count == (try store.service.ledger.head().position))
        let liveRows = try snapshot(store.database)
        let rebuiltRows = try snapshot(rebuilt)
        #expect(liveRows["memories"]!.count > 100)
        #expect(liveRows["memories_fts"]!.count > 100)
        #expect(liveRows == rebuiltRows)
        // The indexes dropped for the bulk load are back, exactly as the migrations made them.
        let indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        #expect(try schema(store.database, indexes) == schema(rebuilt, indexes))
        // A list total read from the per-user counts equals counting the rows.
        for user in users {
            let rows = try Connection(path: store.database, options: .init(mode: .readOnly))
                .scalarInt("SELECT count(*) FROM memories WHERE user_id = ?", [.text(user)])
            #expect(Int64(try store.service.list(caller: caller(user: user)).total) == rows)
        }
        // The store as of the middle position equals the live store captured then.
        let (position, captured) = try #require(middle)
        let pointInTime = store.dir + "/as-of.sqlite"
        try MemoryRebuilder.rebuild(from: store.service.ledger, into: pointInTime, until: .position(position))
        #expect(try snapshot(pointInTime) == captured)
    }

    /// The fingerprint is the SHA-256 digest of the folded text, which migration 0008 recovers from the
    /// hexadecimal text stored before it.
    @Test func fingerprintIsTheDigestOfTheFoldedText() {
        #expect(ContentNormalizer.fingerprint("Likes  TEA") == SHA256.hash(Array("likes tea".utf8)))
        #expect(ContentNormalizer.fingerprint("ZOË\u{00A0} likes") == SHA256.hash("zoë likes"))
    }

    /// A store made before migration 0008 (hexadecimal fingerprints, the id unique in the table) keeps
    /// every memory, still finds duplicates of what it held, and gets the new indexes.
    @Test func theKeysMigrationKeepsMemoriesAndDuplicateDetection() async throws {
        let store = try Store(durable: false)
        let kept = try await store.service.add("Prefers  green TEA", by: caller("claude"))
        try await store.service.add("works in Lisbon", by: caller("codex"))
        store.service.close()
        // Take the file back to before 0008: the 0002 table with the stored rows, fingerprints in hex.
        let db = try Connection(path: store.database)
        let old = try #require(Migration.all.first { $0.version == 2 }?.sql)
        let table = String(old[old.range(of: "CREATE TABLE memories")!.lowerBound..<old.range(of: ");\n")!.upperBound])
        try db.execute(
            """
            ALTER TABLE memories RENAME TO memories_new;
            \(table)
            INSERT INTO memories SELECT seq, id, user_id, content, metadata, agent_id, run_id, created_at, updated_at,
                created_by_agent, created_by_client, updated_by_agent, updated_by_client, version, hex(fingerprint),
                redacted, last_position FROM memories_new;
            DROP TABLE memories_new;
            DELETE FROM schema_migrations WHERE version = 8;
            """)
        #expect(try db.scalarInt("SELECT count(*) FROM memories WHERE length(fingerprint) = 64") == 2)
        let reopened = try MemoryService(path: store.database)
        defer { reopened.close() }
        let rows = try Connection(path: store.database).query("SELECT fingerprint FROM memories ORDER BY seq") { $0.value(0) }
        #expect(rows == [.blob(ContentNormalizer.fingerprint("prefers green tea")), .blob(ContentNormalizer.fingerprint("works in lisbon"))])
        let again = try await reopened.add(AddRequest(content: "prefers green  tea"), caller: caller()).entries[0]
        #expect(again.deduplicated && again.memory.id == kept.id)
        #expect(try reopened.list(caller: caller()).total == 2)
        let indexes = try Connection(path: store.database).query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'memories' ORDER BY name") { $0.string(0) }
        #expect(indexes == ["memories_by_agent", "memories_by_fingerprint", "memories_by_id", "memories_by_run", "memories_by_user"])
        // The agent and run indexes hold only rows with an agent or a run; a filter on either still uses them.
        for (column, index) in [("agent_id", "memories_by_agent"), ("run_id", "memories_by_run")] {
            let plan = try Connection(path: store.database).query(
                "EXPLAIN QUERY PLAN SELECT id FROM memories m WHERE m.user_id = ? AND m.\(column) = ? ORDER BY m.created_at DESC, m.seq DESC",
                [.text("alice"), .text("claude")]) { $0.string(3) }
            #expect(plan.contains { $0.contains("USING INDEX \(index)") }, "\(plan)")
        }
    }

    /// SQLite's `unhex` where the library has it, memledger's otherwise: the same answers.
    @Test func unhexDecodesHexadecimalTextAndRefusesTheRest() throws {
        let db = try Connection(path: ":memory:")
        let row = try #require(try db.first(
            "SELECT unhex('00ff10Ab'), unhex(''), unhex('abc'), unhex('zz'), unhex(NULL)") { row in (0..<5).map { row.value($0) } })
        #expect(row[0] == .blob([0x00, 0xFF, 0x10, 0xAB]))
        #expect(row[2] == .null && row[3] == .null && row[4] == .null)
    }

    /// A rebuild finds each memory's row through a tracker instead of the id index:
    /// it must give the answer the table would, for UUID ids and for ids of any other shape.
    @Test func theRebuildTrackerFindsTheRowTheTableWould() throws {
        func derived(_ type: String, _ id: String, at position: Int64) -> MemoryProjector.Derived {
            let payload = type == MemoryEvent.deleted ? nil : Array(#"{"content":"x","metadata":{}}"#.utf8)
            return MemoryProjector.Derived(RecordedEvent(
                position: position, eventID: "", streamID: id, streamVersion: 1, type: type, schemaVersion: 1,
                occurredAt: Timestamp(milliseconds: 0), userID: "alice", provenance: Provenance(transport: .cli), idempotencyKey: nil,
                payloadDigest: [], prevHash: [], hash: [], salt: nil, payload: payload))
        }
        let uuid = "3913b007-f888-430a-8c9d-659207e27fb8"
        var rows = RowTracker()
        var targets: [Int64?] = []
        for (type, id, position) in [
            (MemoryEvent.added, uuid, 1), (MemoryEvent.added, uuid.uppercased(), 2), (MemoryEvent.added, "imported-7", 3),
            (MemoryEvent.updated, uuid, 4), (MemoryEvent.updated, uuid.uppercased(), 5), (MemoryEvent.deleted, uuid, 6),
            (MemoryEvent.updated, uuid, 7), (MemoryEvent.restored, uuid, 8), (MemoryEvent.restored, "imported-7", 9),
            (MemoryEvent.deleted, "imported-7", 10), (MemoryEvent.deleted, "never-added", 11),
        ] as [(String, String, Int64)] {
            targets.append(rows.track(derived(type, id, at: position)))
        }
        #expect(targets == [nil, nil, nil, 1, 2, 1, nil, nil, 3, 9, nil])
    }

    /// A rebuild that fails half-way (here: a ledger written without the memory projector holds the same
    /// content twice, which the unique fingerprint index refuses) leaves no file behind.
    @Test func aFailedRebuildLeavesNoFile() async throws {
        let store = try Store(durable: false)
        let bare = try Ledger(path: store.dir + "/bare.sqlite")
        let payload = MemoryEvent.State(content: "likes tea", metadata: [:], agentID: nil, runID: nil).payload
        try await bare.write { tx in
            for _ in 0..<2 {
                try tx.append(to: SecureRandom.uuid(), events: [NewEvent(type: MemoryEvent.added, userID: "alice", payload: payload)],
                              provenance: Provenance(transport: .cli))
            }
        }
        let target = store.dir + "/rebuilt.sqlite"
        let error = #expect(throws: SQLiteError.self) { try MemoryRebuilder.rebuild(from: bare, into: target) }
        #expect(error?.message.contains("UNIQUE constraint failed: memories.user_id, memories.fingerprint") == true, "\(String(describing: error))")
        for suffix in ["", "-wal", "-shm", "-journal"] { #expect(!FileManager.default.fileExists(atPath: target + suffix)) }
        bare.close()
    }

    @Test func aUUIDKeyIsTakenOnlyFromACanonicalLowercaseUUID() {
        let id = "3913b007-f888-430a-8c9d-659207e27fb8"
        #expect(UUIDKey(id) == UUIDKey(id))
        #expect(UUIDKey(id) != UUIDKey("3913b007-f888-430a-8c9d-659207e27fb9"))
        #expect(UUIDKey(id) != UUIDKey("4913b007-f888-430a-8c9d-659207e27fb8"))
        for other in [id.uppercased(), id + "0", String(id.dropLast()), id.replacingOccurrences(of: "-", with: ""),
                      "3913b007f-888-430a-8c9d-659207e27fb8", "3913b007-f888-430a-8c9d-659207e27fbg", ""] {
            #expect(UUIDKey(other) == nil, "\(other)")
        }
    }

    /// A store made before migration 0005 gets its per-user counts from the rows it already has.
    @Test func theCountsMigrationCountsExistingMemories() async throws {
        let store = try Store()
        for i in 0..<3 { try await store.service.add("alice note \(i)") }
        try await store.service.add("bob note", by: caller(user: "bob"))
        let deleted = try await store.service.add("deleted soon")
        _ = try await store.service.delete(deleted.id, caller: caller())
        store.service.close()
        // Take the file back to before 0005, then open it again.
        let db = try Connection(path: store.database)
        try db.execute("DROP TABLE memory_counts; DELETE FROM schema_migrations WHERE version = 5")
        let reopened = try MemoryService(path: store.database)
        defer { reopened.close() }
        #expect(try reopened.list(caller: caller()).total == 3)
        #expect(try reopened.list(caller: caller(user: "bob")).total == 1)
        #expect(try reopened.list(caller: caller(user: "carol")).total == 0)
    }

    @Test func pointInTimeByTimeIncludesEveryEventAtOrBeforeIt() async throws {
        let clock = ScriptedClock([1_000, 2_000, 3_000])
        let store = try Store(clock: { clock.next() })
        let m = try await store.service.add("one")
        _ = try await store.service.update(m.id, content: "two", caller: caller())
        _ = try await store.service.update(m.id, content: "three", caller: caller())
        let path = store.dir + "/t.sqlite"
        try MemoryRebuilder.rebuild(from: store.service.ledger, into: path, until: .time(Timestamp(milliseconds: 2_000)))
        let rows = try snapshot(path)["memories"]!
        #expect(rows.count == 1 && rows[0][3] == .text("two"))
        #expect(throws: MemoryError.self) { try MemoryRebuilder.rebuild(from: store.service.ledger, into: path) }
    }

    @Test func redactionErasesEveryByteAndKeepsHistoryAndTheChain() async throws {
        let store = try Store()
        let secret = "my bank PIN is 7391-SECRETWORD"
        let m = try await store.service.add(secret, by: caller("claude"))
        _ = try await store.service.update(m.id, content: secret + " (updated)", caller: caller("codex"))
        let keep = try await store.service.add("harmless neighbour")
        let beforeRedaction = try store.service.ledger.head().position
        let operatorCaller = Caller(userID: "alice", provenance: Provenance(agentID: "ops", clientID: "owner", actor: "operator", transport: .cli))

        let result = try await store.service.redact(m.id, reason: "secret stored by mistake", caller: operatorCaller)
        #expect(result.payloadsErased == 2)

        for file in [store.database, store.database + "-wal"] {
            let data = bytes(of: file)
            #expect(data.range(of: Data("SECRETWORD".utf8)) == nil, "\(file) still holds the content")
            #expect(data.range(of: Data("secretword".utf8)) == nil, "\(file) still holds the indexed terms")
        }
        #expect(try store.service.ledger.verify().isValid)
        #expect(throws: MemoryError(.notFound, "memory '\(m.id)' was redacted; its content is gone")) { try store.service.get(m.id, caller: caller()) }
        #expect(try store.service.get(keep.id, caller: caller()).content == "harmless neighbour")
        let history = try store.service.history(m.id, caller: caller())
        #expect(history.map(\.event) == ["added", "updated", "redacted"])
        #expect(history.prefix(2).allSatisfy { $0.redacted && $0.content == nil })
        #expect(history.last?.clientID == "owner" && history.last?.actor == "operator")
        // A point-in-time store from before the redaction shows the memory, its content redacted.
        let path = store.dir + "/before.sqlite"
        try MemoryRebuilder.rebuild(from: store.service.ledger, into: path, until: .position(beforeRedaction))
        let row = try #require(try snapshot(path)["memories"]!.first { $0[1] == .text(m.id) })
        #expect(row[3] == .null && row[15] == .integer(1))
    }

    @Test func redactUserErasesAllOfThatUsersMemories() async throws {
        let store = try Store()
        for i in 0..<3 { try await store.service.add("bob secret \(i) ZEBRAWORD", by: caller(user: "bob")) }
        try await store.service.add("alice keeps this", by: caller(user: "alice"))
        let result = try await store.service.redactUser("bob", reason: "account closed", caller: caller(user: "bob"))
        #expect(result.memoryIDs.count == 3)
        #expect(bytes(of: store.database).range(of: Data("ZEBRAWORD".utf8)) == nil)
        #expect(try store.service.list(caller: caller(user: "bob")).total == 0)
        #expect(try store.service.list(caller: caller(user: "alice")).total == 1)
        #expect(try store.service.ledger.verify().isValid)
    }
}
