import CSQLite
import Foundation

/// How a connection is opened.
public struct ConnectionOptions: Sendable {
    public enum Mode: Sendable { case readWrite, readOnly }
    public var mode: Mode = .readWrite
    /// How long a statement waits for another process's lock before failing with `SQLITE_BUSY`.
    public var busyTimeoutMilliseconds: Int32 = 10_000
    /// Statements kept prepared per connection.
    public var statementCacheSize = 64
    /// Wait for every commit to reach the disk (`synchronous=FULL`). Only throwaway stores (scratch
    /// rebuilds, long generated test sequences) turn it off, getting `NORMAL`: durable across process
    /// crashes, not across power loss.
    public var durable = true

    public init(mode: Mode = .readWrite) { self.mode = mode }
}

/// One SQLite connection.
///
/// Not `Sendable`: a connection is confined to one thread at a time (the writer's thread, or the
/// caller that borrowed it from a `ReaderPool`). Every connection is configured here and only here:
/// WAL, `synchronous=FULL`, busy timeout, foreign keys, `secure_delete`, extended result codes.
public final class Connection {
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    private var cacheOrder: [String] = []
    private let cacheSize: Int
    public let path: String

    /// Deletes the database file at `path` and the journal, WAL and shared-memory files beside it, as far as
    /// they exist (a scratch or half-written database).
    public static func removeFiles(at path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Process-wide settings, made once before the first connection opens.
    private static let configured: Void = { _ = memledger_sqlite_disable_memstatus() }()

    public init(path: String, options: ConnectionOptions = ConnectionOptions()) throws {
        Self.configured
        var db: OpaquePointer?
        let flags: Int32 =
            (options.mode == .readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(extendedCode: rc, message: "\(message) (\(path))", operation: "open")
        }
        self.handle = db
        self.path = path
        self.cacheSize = options.statementCacheSize
        sqlite3_extended_result_codes(db, 1)
        Unhex.register(on: db)
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        if options.mode == .readWrite {
            // Switching a new database to WAL takes an exclusive lock that the busy handler does not
            // always wait for while another process is creating the same file: retry for a while.
            try retryingWhileBusy(for: Double(options.busyTimeoutMilliseconds) / 1000) {
                try execute("PRAGMA journal_mode=WAL")
            }
        }
        try execute(
            """
            PRAGMA synchronous=\(options.durable ? "FULL" : "NORMAL");
            PRAGMA foreign_keys=ON;
            PRAGMA secure_delete=ON;
            PRAGMA temp_store=MEMORY;
            PRAGMA cache_size=-16000;
            """)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, _ operation: String) -> SQLiteError {
        SQLiteError(
            extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)),
            operation: operation)
    }

    /// Runs `body` again while it fails with `SQLITE_BUSY`, up to `seconds`.
    public func retryingWhileBusy<T>(for seconds: Double, _ body: () throws -> T) throws -> T {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            do {
                return try body()
            } catch let error as SQLiteError where error.isBusy && ContinuousClock.now < deadline {
                usleep(5_000)
            }
        }
    }

    /// Runs one or more statements that take no arguments (schema, pragmas).
    public func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, "exec") }
    }

    /// A cached prepared statement for `sql`.
    func statement(_ sql: String) throws -> Statement {
        if let cached = cache[sql] { return cached }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "prepare") }
        let statement = Statement(handle: stmt, connection: self)
        if cacheOrder.count >= cacheSize {
            cache[cacheOrder.removeFirst()] = nil
        }
        cache[sql] = statement
        cacheOrder.append(sql)
        return statement
    }

    /// The prepared statement for `sql`, for a caller that runs it many times in a row (a bulk load):
    /// `Statement.run` then skips looking `sql` up in the cache. Owned by this connection.
    public func prepared(_ sql: String) throws -> Statement { try statement(sql) }

    /// Runs a statement that returns no rows.
    /// - Returns: the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: SQLValue...) throws -> Int {
        try run(sql, arguments: arguments)
    }

    @discardableResult
    public func run(_ sql: String, arguments: [SQLValue]) throws -> Int {
        try statement(sql).run(arguments)
    }

    /// Calls `body` for every row of the query.
    public func forEach(_ sql: String, _ arguments: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        let statement = try statement(sql)
        try statement.reset(binding: arguments)
        defer { sqlite3_reset(statement.handle) }
        while try statement.step() {
            try body(Row(handle: statement.handle))
        }
    }

    /// Maps every row of the query.
    public func query<T>(_ sql: String, _ arguments: [SQLValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        var results: [T] = []
        try forEach(sql, arguments) { results.append(try map($0)) }
        return results
    }

    /// Maps the first row of the query, or returns nil when there is none.
    public func first<T>(_ sql: String, _ arguments: [SQLValue] = [], _ map: (Row) throws -> T) throws -> T? {
        let statement = try statement(sql)
        try statement.reset(binding: arguments)
        defer { sqlite3_reset(statement.handle) }
        guard try statement.step() else { return nil }
        return try map(Row(handle: statement.handle))
    }

    /// The single integer a query returns (`SELECT count(*) …`), or nil when it returns no row or NULL.
    public func scalarInt(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? {
        try first(sql, arguments) { $0.optionalInt64(0) } ?? nil
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a write transaction that takes the database's write lock at once
    /// (`BEGIN IMMEDIATE`), so it never fails half-way with a lock upgrade error.
    /// Commits when `body` returns, rolls back when it throws.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            if isInTransaction { _ = try? run("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` in a read transaction: every query inside sees one snapshot.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN DEFERRED")
        defer { _ = try? run("COMMIT") }
        return try body()
    }

    /// Runs `body` inside a savepoint nested in the current transaction: when it throws, only its
    /// own changes are undone.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        // Prepared once and cached: a group commit opens and releases one savepoint per write.
        try run("SAVEPOINT step")
        do {
            let result = try body()
            try run("RELEASE step")
            return result
        } catch {
            _ = try? run("ROLLBACK TO step")
            _ = try? run("RELEASE step")
            throw error
        }
    }

    /// Copies every committed page of WAL into the database file and truncates the WAL to zero bytes.
    /// - Returns: false when readers kept the checkpoint from completing.
    @discardableResult
    public func checkpointTruncate() throws -> Bool {
        var logFrames: Int32 = 0
        var checkpointed: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, &logFrames, &checkpointed)
        if rc == SQLITE_BUSY { return false }
        guard rc == SQLITE_OK else { throw error(rc, "checkpoint") }
        return true
    }

    /// Writes a consistent copy of the database to `path` (`VACUUM INTO`), safe beside live writers.
    public func backup(to path: String) throws {
        try run("VACUUM INTO ?", .text(path))
    }
}
