import JSON
import Memory

/// `memledger revert MEMORY_ID --to-version N`: sets a memory back to an earlier version, as a new event.
struct RevertCommand: CLICommand {
    static let help = """
        usage: memledger revert MEMORY_ID --to-version N [--data DIR] [--user USER] [--json]

        Appends memory.updated with the content and metadata the memory had at version N; history is
        not rewritten, so the revert itself can be reverted.

          --json   the memory after the revert as one JSON object
        When the memory already has that content and metadata, nothing is appended.
        Exit: 0 done, 1 no such memory or version redacted, 64 bad arguments (a version the memory never
        had too), 69 no data directory.
        """
    static let valued: Set<String> = ["data", "user", "to-version"]

    let context: OperatorContext
    let id: String
    let user: String?
    let version: Int64

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "user", "to-version"])
        guard args.positionals.count == 1 else { throw UsageError("revert takes one MEMORY_ID") }
        guard let text = args["to-version"], let version = Int64(text), version >= 1 else {
            throw UsageError("revert needs --to-version N (N >= 1)")
        }
        context = OperatorContext(args)
        id = args.positionals[0]
        user = args["user"]
        self.version = version
    }

    func run() throws -> ExitCode {
        let service = try context.openService()
        defer { service.close() }
        let caller = try context.caller(for: id, user: user, in: service)
        let before = try service.get(id, caller: caller).version
        let memory = try blocking { [id, version] in try await service.revert(id, toVersion: version, caller: caller) }
        if context.json {
            context.emit(memory.json)
        } else if memory.version == before {
            print("\(memory.id) already has the content and metadata of version \(version); nothing appended (still version \(memory.version))")
        } else {
            print("reverted \(memory.id) to the state of version \(version); now version \(memory.version)")
        }
        return .ok
    }
}
