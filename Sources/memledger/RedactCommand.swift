import JSON
import Memory

/// `memledger redact`: erases a memory's content (or a whole user's) from its entire history.
struct RedactCommand: CLICommand {
    static let help = """
        usage: memledger redact MEMORY_ID --reason TEXT [--data DIR] [--user USER] [--json]
               memledger redact --user USER --reason TEXT [--data DIR] [--json]

        Deletes the memory if it is live and erases its content from every event's payload, the read
        model, the full-text index, vectors and caches, then checkpoints the WAL. A memory.redacted
        event records the reason and who did it (transport cli); every hash stays verifiable.
        With --user and no MEMORY_ID, redacts every memory the user ever had.
        Copies outside the data directory (exports, backups, replicas made before) are not reached.

          --json   one JSON object: memory_ids, payloads_erased
        Exit: 0 done, 1 no such memory, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data", "user", "reason"]

    let context: OperatorContext
    let id: String?
    let user: String?
    let reason: String

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "user", "reason"])
        context = OperatorContext(args)
        guard args.positionals.count <= 1 else { throw UsageError("redact takes at most one MEMORY_ID") }
        id = args.positionals.first
        user = args["user"]
        guard id != nil || user != nil else { throw UsageError("redact needs a MEMORY_ID or --user USER") }
        guard let reason = args["reason"], !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw UsageError("redact needs --reason TEXT (it is recorded in the ledger)")
        }
        self.reason = reason
    }

    func run() throws -> ExitCode {
        let service = try context.openService()
        defer { service.close() }
        let result: RedactionResult
        if let id {
            let caller = try context.caller(for: id, user: user, in: service)
            result = try blocking { try await service.redact(id, reason: reason, caller: caller) }
        } else {
            let user = user!
            let caller = Caller(userID: user, provenance: OperatorContext.provenance())
            result = try blocking { try await service.redactUser(user, reason: reason, caller: caller) }
        }
        if context.json {
            context.emit(["memory_ids": .array(result.memoryIDs.map { .string($0) }), "payloads_erased": .int(Int64(result.payloadsErased))])
        } else {
            print("redacted \(result.memoryIDs.count) memor\(result.memoryIDs.count == 1 ? "y" : "ies"), erased \(result.payloadsErased) payloads")
            for id in result.memoryIDs { print("  \(id)") }
        }
        return .ok
    }
}
