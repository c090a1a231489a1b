import JSON
import Memory

/// `memledger restore MEMORY_ID`: brings a deleted memory back, as a new event.
struct RestoreCommand: CLICommand {
    static let help = """
        usage: memledger restore MEMORY_ID [--data DIR] [--user USER] [--json]

        Appends memory.restored with the memory's last content and metadata; history is not rewritten.
        A redacted memory cannot be restored (its content is gone).

          --json   the restored memory as one JSON object
        Exit: 0 done, 1 no such memory or not deleted, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data", "user"]

    let context: OperatorContext
    let id: String
    let user: String?

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "user"])
        guard args.positionals.count == 1 else { throw UsageError("restore takes one MEMORY_ID") }
        context = OperatorContext(args)
        id = args.positionals[0]
        user = args["user"]
    }

    func run() throws -> ExitCode {
        let service = try context.openService()
        defer { service.close() }
        let caller = try context.caller(for: id, user: user, in: service)
        let memory = try blocking { [id] in try await service.restore(id, caller: caller) }
        if context.json { context.emit(memory.json) } else { print("restored \(memory.id) at version \(memory.version)") }
        return .ok
    }
}
