import Crypto
import Foundation
import JSON
import Ledger
import SQLite

/// `memledger backup FILE`: a consistent copy of the whole database while servers keep running.
struct BackupCommand: CLICommand {
    static let help = """
        usage: memledger backup FILE [--data DIR] [--json]

        Writes a consistent, compacted copy of the data directory's database to FILE with SQLite's
        VACUUM INTO: the ledger, projections, API keys, OAuth clients and the embedding cache, as of one
        moment, without stopping writers. FILE must not exist; it is created owner-only. Prints the
        backup's head (POS:HASH) for `verify --expect-head`. Restore with `memledger restore-backup`.

          --json   one JSON object: file, bytes, head
        Exit: 0 done, 1 FILE exists, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data"]

    let context: OperatorContext
    let file: String

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data"])
        guard args.positionals.count == 1 else { throw UsageError("backup takes one FILE") }
        context = OperatorContext(args)
        file = args.positionals[0]
    }

    func run() throws -> ExitCode {
        guard context.data.exists else { throw CommandFailure.noData(context.data) }
        guard !FileManager.default.fileExists(atPath: file) else { throw CommandFailure(.failure, "\(file) already exists") }
        // VACUUM INTO accepts an existing empty file: create it first so it is owner-only from the start.
        guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure(.unavailable, "cannot create \(file)")
        }
        do {
            try Connection(path: context.data.database).backup(to: file)
        } catch {
            try? FileManager.default.removeItem(atPath: file)
            throw error
        }
        let head = try Self.head(ofDatabase: file)
        let size = ((try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? NSNumber)?.int64Value ?? 0
        if context.json {
            context.emit(["file": .string(file), "bytes": .int(size), "head": .string(head)])
        } else {
            print("backed up \(context.data.database) to \(file) (\(size) bytes), head \(head)")
        }
        return .ok
    }

    /// The chain head of a database file, read without writing to it (not even a WAL).
    static func head(ofDatabase path: String) throws -> String {
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? path
        let db = try Connection(path: "file:\(escaped)?immutable=1", options: ConnectionOptions(mode: .readOnly))
        return try db.first("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1") {
            "\($0.int64(0)):\($0.blob(1).hexString)"
        } ?? "0:\(EventHasher.zeroHash.hexString)"
    }
}
