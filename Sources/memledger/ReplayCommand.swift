import Foundation
import JSON
import Ledger
import Memory
import SQLite

/// `memledger replay`: builds the memory store as it was at a position or a time, into a separate file.
struct ReplayCommand: CLICommand {
    static let help = """
        usage: memledger replay [--data DIR] [--until POS | --as-of TIME] [--into FILE] [--json]

        Replays the ledger through the projector into a new SQLite file: the read model and full-text
        index as they were after position POS, or after every event whose time is <= TIME (RFC 3339,
        e.g. 2026-12-03T18:00:00Z or 2026-12-03). Without either, replays everything (a full rebuild).
        Content erased by a redaction stays erased: such memories read as null with redacted = 1.
        The live store is not touched; the server may keep running. The file holds the projections
        only (tables memories, memories_fts, memory_counts), not the events: read it with sqlite3.

          --into FILE   where to write (must not exist); default DIR/replays/replay-<POS|TIME|head-POS>.sqlite
          --json        one JSON object on stdout: file, events, last_position, memories
        Exit: 0 done, 64 bad arguments, 69 no data directory, 1 the target exists.
        """
    static let valued: Set<String> = ["data", "until", "as-of", "into"]

    let context: OperatorContext
    let bound: MemoryRebuilder.Bound
    let into: String?

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "until", "as-of", "into"])
        context = OperatorContext(args)
        into = args["into"]
        switch (args["until"], args["as-of"]) {
        case (.some, .some): throw UsageError("give --until or --as-of, not both")
        case (.some(let pos), nil):
            guard let p = Int64(pos), p >= 0 else { throw UsageError("--until takes a ledger position (got '\(pos)')") }
            bound = .position(p)
        case (nil, .some(let time)):
            guard let t = Timestamp(rfc3339: time) else { throw UsageError("--as-of takes an RFC 3339 time (got '\(time)')") }
            bound = .time(t)
        case (nil, nil): bound = .end
        }
    }

    func run() throws -> ExitCode {
        let service = try context.openService()
        defer { service.close() }
        let target: String
        if let into {
            target = into
        } else {
            let dir = (context.data.path as NSString).appendingPathComponent("replays")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let label: String
            switch bound {
            case .end: label = "head-\(try service.ledger.head().position)"
            case .position(let p): label = "\(p)"
            case .time(let t): label = t.rfc3339.replacingOccurrences(of: ":", with: "")
            }
            target = (dir as NSString).appendingPathComponent("replay-\(label).sqlite")
        }
        guard !FileManager.default.fileExists(atPath: target) else {
            throw CommandFailure(.failure, "\(target) already exists; choose another --into FILE")
        }
        let progress = ProgressLine(label: "replayed", enabled: !context.json)
        let (events, last) = try MemoryRebuilder.rebuild(from: service.ledger, into: target, until: bound, progress: { progress.update($0) })
        progress.finish()
        if events == 0, case .time(let t) = bound, let first = try service.ledger.replayEvents(after: 0, limit: 1).first {
            // A date alone means its midnight (UTC), easily before everything of that day.
            printError("note: no event is at or before \(t.rfc3339); the ledger starts at \(first.occurredAt.rfc3339)")
        }
        let count = try Connection(path: target).scalarInt("SELECT count(*) FROM memories") ?? 0
        if context.json {
            context.emit(["file": .string(target), "events": .int(events), "last_position": .int(last), "memories": .int(count)])
        } else {
            print("replayed \(events) events (through position \(last)) into \(target): \(count) live memories")
        }
        return .ok
    }
}
