import Crypto
import Foundation
import JSON
import Ledger
import Memory

/// `memledger import FILE`: a memledger export into an empty data directory, hash for hash.
struct ImportCommand: CLICommand {
    static let help = """
        usage: memledger import FILE [--data DIR] [--json]

        Reads an export made by `memledger export` (FILE, or - for stdin) into DIR, which must hold no
        events yet. Every envelope, salt and payload is inserted verbatim and projected in one
        transaction, checking that each event continues the chain; the result has the same hashes and
        head as the source. Vectors are not in an export: every memory is queued for the vector worker
        of the next `memledger serve`. Then runs verify (chain, payloads, projections) on the new directory.
        Nothing is written unless the whole file imports.

          --json   one JSON object: events, head, ok
        Exit: 0 imported and verified; 1 DIR is not empty or verify failed; 65 the file is malformed,
        truncated or does not chain (the line or position is named); 64 bad arguments.
        """
    static let valued: Set<String> = ["data"]

    let context: OperatorContext
    let file: String

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data"])
        guard args.positionals.count == 1 else { throw UsageError("import takes one FILE (an export; - for stdin)") }
        context = OperatorContext(args)
        file = args.positionals[0]
    }

    func run() throws -> ExitCode {
        let reader = try LineReader(path: file)
        guard let first = reader.next(), let header = try? JSONValue.parse(first),
            header["format"]?.stringValue == ExportFormat.format
        else { throw CommandFailure(.dataError, "\(file) is not a memledger export (no header line)") }
        guard header["version"]?.intValue == ExportFormat.version else {
            throw CommandFailure(.dataError, "export version \(header["version"]?.intValue.map(String.init) ?? "?") is not supported")
        }
        try context.data.create()
        let service = try MemoryService.forOperator(path: context.data.database)
        defer { service.close() }
        if try service.ledger.head().position > 0 {
            throw CommandFailure(.failure, "\(context.data.path) already holds events; import only into an empty data directory")
        }
        let progress = ProgressLine(label: "imported", enabled: !context.json)
        var current = "0:\(EventHasher.zeroHash.hexString)"
        let head = try service.ledger.importVerbatim({
            guard let bytes = reader.next() else {
                throw CommandFailure(.dataError, "the export is truncated after line \(reader.lineNumber): no end line")
            }
            let value: JSONValue
            do { value = try JSONValue.parse(bytes) } catch {
                throw CommandFailure(.dataError, "line \(reader.lineNumber): not JSON")
            }
            if value["end"]?.boolValue == true {
                let trailerHead = value["head"]?.stringValue
                guard trailerHead == current else {
                    throw CommandFailure(.dataError, "the end line names head \(trailerHead ?? "?"), the imported chain ends at \(current)")
                }
                return nil
            }
            do throws(ExportFormat.Malformed) {
                let event = try ExportFormat.event(value, line: reader.lineNumber)
                current = "\(event.position):\(event.hash.hexString)"
                return event
            } catch {
                throw CommandFailure(.dataError, error.description)
            }
        }, progress: { progress.update($0) }, finishing: { tx in
            // Vectors are not part of an export: queue every live memory for the server's vector worker.
            try tx.db.execute("INSERT OR IGNORE INTO pending_vectors (seq) SELECT seq FROM memories WHERE content IS NOT NULL")
        })
        progress.finish()
        let check = try Verification.run(service.ledger, scratchDirectory: context.data.path, projections: true, expectHead: head.description, quiet: context.json)
        if context.json {
            context.emit(["events": .int(check.report.eventsChecked), "head": .string(head.description), "ok": .bool(check.ok), "verify": check.json])
        } else {
            print("imported \(check.report.eventsChecked) events into \(context.data.path), head \(head.description)")
            check.printText()
        }
        return check.ok ? .ok : .failure
    }
}
