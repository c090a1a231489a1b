import Foundation
import JSON
import Ledger
import Memory
import SQLite

/// `memledger restore-backup FILE`: a backup into a new data directory, verified before it is used.
struct RestoreBackupCommand: CLICommand {
    static let help = """
        usage: memledger restore-backup FILE --data DIR [--expect-head POS:HASH] [--json]

        Copies a backup (from `memledger backup`, or a database restored by Litestream) into DIR, which
        must hold no database yet, and runs verify on the copy (chain, payloads, projections, and the
        expected head when given) before putting it in place as DIR/memledger.sqlite. A copy that
        fails verify is removed and nothing is left in DIR.

          --json   one JSON object: ok, head, verify
        Exit: 0 restored and verified, 1 verify failed or DIR already has a database, 64 bad
        arguments, 69 FILE cannot be read.
        """
    static let valued: Set<String> = ["data", "expect-head"]

    let context: OperatorContext
    let file: String
    let expectHead: String?

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "expect-head"])
        guard args.positionals.count == 1 else { throw UsageError("restore-backup takes one FILE") }
        guard args["data"] != nil else { throw UsageError("restore-backup needs --data DIR (the directory to restore into)") }
        context = OperatorContext(args)
        file = args.positionals[0]
        expectHead = args["expect-head"]
    }

    func run() throws -> ExitCode {
        guard FileManager.default.isReadableFile(atPath: file) else { throw CommandFailure(.unavailable, "cannot read \(file)") }
        if FileManager.default.fileExists(atPath: file + "-wal") {
            throw CommandFailure(.failure, "\(file) has a -wal file beside it: it looks like a live database; copy it with `memledger backup` first")
        }
        guard !context.data.exists else {
            throw CommandFailure(.failure, "\(context.data.database) already exists; restore into a new directory")
        }
        try context.data.create()
        let staging = context.data.database + ".restoring"
        let files = FileManager.default
        func removeStaging() { Connection.removeFiles(at: staging) }
        removeStaging()
        try files.copyItem(atPath: file, toPath: staging)
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: staging)
        let check: Verification
        do {
            check = try Self.verify(staging, scratch: context.data.path, expectHead: expectHead, quiet: context.json)
            // Fold the WAL back into the file so the rename moves one complete database.
            try Connection(path: staging).execute("PRAGMA journal_mode=DELETE")
        } catch {
            removeStaging()
            throw error
        }
        if check.ok {
            try files.moveItem(atPath: staging, toPath: context.data.database)
        }
        removeStaging()
        if context.json {
            context.emit(["ok": .bool(check.ok), "head": .string(check.report.head.description), "verify": check.json])
        } else {
            check.printText()
            print(check.ok ? "restored into \(context.data.database)" : "not restored: the backup failed verify")
        }
        return check.ok ? .ok : .failure
    }

    private static func verify(_ path: String, scratch: String, expectHead: String?, quiet: Bool) throws -> Verification {
        let service = try MemoryService.forOperator(path: path)
        defer { service.close() }
        return try Verification.run(service.ledger, scratchDirectory: scratch, projections: true, expectHead: expectHead, quiet: quiet)
    }
}
