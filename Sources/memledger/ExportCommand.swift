import Foundation
import JSON
import Ledger

/// `memledger export`: the whole ledger as JSON lines, verbatim, for migration and offline backup.
struct ExportCommand: CLICommand {
    static let help = """
        usage: memledger export [--data DIR] [--out FILE]

        Writes every event as JSON lines: envelope, salt, payload bytes (base64) and hashes, between a
        header line and an end line naming the event count and head (POS:HASH). `memledger import`
        turns it into a new data directory with the same hashes and head. Consistent while a server
        runs (one read snapshot). Redacted payloads stay erased; memories added later are not in it.
        The file holds memory content: keep it as private as the data directory.

          --out FILE   write there (must not exist; written to FILE.partial, then renamed), else stdout
        Prints the head as `exported N events, head POS:HASH` on stderr (JSON with --json).
        Exit: 0 done, 1 FILE exists, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data", "out"]

    let context: OperatorContext
    let out: String?

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "out"])
        context = OperatorContext(args)
        out = args["out"]
        if out == nil && context.json { throw UsageError("--json reports on stdout, so it needs --out FILE") }
    }

    func run() throws -> ExitCode {
        guard context.data.exists else { throw CommandFailure.noData(context.data) }
        let ledger = try Ledger(path: context.data.database)
        defer { ledger.close() }
        let handle: FileHandle
        var partial: String?
        if let out {
            guard !FileManager.default.fileExists(atPath: out) else { throw CommandFailure(.failure, "\(out) already exists") }
            partial = out + ".partial"
            guard FileManager.default.createFile(atPath: partial!, contents: nil, attributes: [.posixPermissions: 0o600]),
                let h = FileHandle(forWritingAtPath: partial!)
            else { throw CommandFailure(.unavailable, "cannot write \(partial!)") }
            handle = h
        } else {
            handle = FileHandle.standardOutput
        }
        let output = BufferedOutput(handle)
        output.write(ExportFormat.header(exportedAt: Timestamp.now()))
        var count: Int64 = 0
        let progress = ProgressLine(label: "exported")
        let head = try ledger.forEachEvent(progress: { progress.update($0) }) { event in
            output.write(ExportFormat.line(event))
            count += 1
        }
        progress.finish()
        output.write(ExportFormat.trailer(events: count, head: head))
        output.flush()
        if let partial, let out {
            try handle.synchronize()
            try handle.close()
            try FileManager.default.moveItem(atPath: partial, toPath: out)
        }
        if context.json {
            context.emit(["file": JSONValue(out), "events": .int(count), "head": .string(head.description)])
        } else {
            printError("exported \(count) events, head \(head.description)")
        }
        return .ok
    }
}
