import Foundation

/// The on-disk layout of a memledger data directory.
public struct DataDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The one SQLite database: ledger, projections, keys and OAuth state.
    public var database: String { (path as NSString).appendingPathComponent("memledger.sqlite") }

    /// The database's write-ahead log: recent writes live here until a checkpoint copies them into `database`.
    public var writeAheadLog: String { database + "-wal" }

    /// Creates the directory (owner-only permissions) when it does not exist.
    public func create() throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: database) }
}
