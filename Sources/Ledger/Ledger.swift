import Foundation
import SQLite

/// The append-only, hash-chained event ledger in one SQLite database: the source of truth.
///
/// One writer connection per process commits work in groups on its own thread; reads use a pool of
/// read-only connections and never block it. Several processes may open the same database: SQLite
/// serialises their write transactions and every append reads the chain head under the write lock.
public final class Ledger: Sendable {
    public let path: String
    let configuration: LedgerConfiguration
    let writer: GroupCommitWriter
    let readers: ReaderPool

    /// Opens (creating if needed) the ledger database at `path` and applies pending migrations.
    public init(path: String, configuration: LedgerConfiguration = LedgerConfiguration()) throws {
        self.path = path
        self.configuration = configuration
        var options = ConnectionOptions()
        options.durable = configuration.durable
        let connection = try Connection(path: path, options: options)
        try MigrationRunner.apply(configuration.migrations, to: connection, clock: Timestamp.now)
        self.writer = GroupCommitWriter(connection: connection, maxGroup: configuration.maxGroup)
        self.readers = ReaderPool(path: path, capacity: configuration.readerCount)
    }

    deinit { writer.stop() }

    /// Finishes queued writes and closes the writer.
    public func close() { writer.stop() }

    /// Runs `body` in a write transaction on the writer's thread and returns its result once the
    /// transaction is durably committed.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (LedgerTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let result = ResultBox<T>()
            writer.enqueue(
                GroupCommitWriter.Job(
                    body: { db in result.value = try body(LedgerTransaction(db: db, configuration: self.configuration)) },
                    finish: { error in
                        if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: result.value!) }
                    }))
        }
    }

    /// The blocking form of `write`, for command-line work outside any async context.
    /// Never call it from the cooperative thread pool.
    @discardableResult
    public func writeSync<T>(_ body: @escaping (LedgerTransaction) throws -> T) throws -> T {
        let result = ResultBox<T>()
        let failure = ResultBox<Error>()
        let finished = DispatchSemaphore(value: 0)
        writer.enqueue(
            GroupCommitWriter.Job(
                body: { db in result.value = try body(LedgerTransaction(db: db, configuration: self.configuration)) },
                finish: { error in
                    failure.value = error
                    finished.signal()
                }))
        finished.wait()
        if let error = failure.value { throw error }
        return result.value!
    }

    /// Lends a read-only connection to `body`; every query inside sees one committed snapshot.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try readers.read { db in try db.readTransaction { try body(db) } }
    }
}

/// Carries a job's result from the writer thread back to the caller, which reads it only after the
/// job's completion has been signalled (happens-before through the continuation or semaphore).
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
