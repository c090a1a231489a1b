import JSON
import Memory

/// `memledger history MEMORY_ID`: every change of one memory, oldest first, with who made it.
struct HistoryCommand: CLICommand {
    static let help = """
        usage: memledger history MEMORY_ID [--data DIR] [--user USER] [--json]

        Lists every event of the memory (live, deleted or redacted) in ledger order: version, event,
        time, agent, client, actor, transport and the content it set (null once redacted).
        The memory's own user is used unless --user names one.

          --json   JSON lines, one history entry per line
        Exit: 0 done, 1 no such memory, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data", "user"]

    let context: OperatorContext
    let id: String
    let user: String?

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "user"])
        guard args.positionals.count == 1 else { throw UsageError("history takes one MEMORY_ID") }
        context = OperatorContext(args)
        id = args.positionals[0]
        user = args["user"]
    }

    func run() throws -> ExitCode {
        let service = try context.openService()
        defer { service.close() }
        let entries = try service.history(id, caller: try context.caller(for: id, user: user, in: service))
        for entry in entries {
            if context.json {
                context.emit(entry.json)
            } else {
                let who = [entry.agentID.map { "agent \($0)" }, entry.clientID.map { "client \($0)" }, entry.actor.map { "by \($0)" }]
                    .compactMap { $0 }.joined(separator: ", ")
                var line = "v\(entry.version)  #\(entry.position)  \(entry.at.rfc3339)  \(entry.event)  [\(who); \(entry.transport.rawValue)]"
                if let version = entry.revertedToVersion { line += "  (back to v\(version))" }
                if entry.redacted { line += "  (content redacted)" } else if let content = entry.content { line += "  \(content)" }
                // An update may change the metadata alone: show what it became, or the line looks like no change.
                if entry.event == "updated", let metadata = entry.metadata, metadata != entry.previousMetadata {
                    line += "  metadata: \(JSONValue.object(metadata).serializedString())"
                }
                if let reason = entry.reason { line += "  reason: \(reason)" }
                print(line)
            }
        }
        return .ok
    }
}
