import Synchronization

/// A small pool of read-only connections, each lent to one caller at a time.
///
/// Readers in WAL mode never block the writer and never wait for it.
public final class ReaderPool: Sendable {
    private let path: String
    private let idle: Mutex<[ConnectionBox]>
    private let capacity: Int

    public init(path: String, capacity: Int = 4) {
        self.path = path
        self.capacity = capacity
        self.idle = Mutex([])
    }

    /// Lends a connection to `body`. Connections are opened on demand and kept for reuse.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        let box = try idle.withLock { $0.popLast() } ?? ConnectionBox(try Connection(path: path, options: .init(mode: .readOnly)))
        defer {
            idle.withLock { pool in
                if pool.count < capacity { pool.append(box) }
            }
        }
        return try body(box.connection)
    }
}

/// Moves an idle `Connection` between threads. Safe because a connection in the pool is used by no
/// one, and `read` lends it to exactly one caller until that caller returns it.
final class ConnectionBox: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
