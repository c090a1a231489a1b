import Foundation
import JSON
import Ledger
import Memory

/// `memledger import-mem0 FILE` and `memledger import-mcp-memory FILE`: memories from other servers.
struct ForeignImportCommand {
    enum Source { case mem0, mcpMemory }

    static let help = """
        usage: memledger import-mem0 FILE [--data DIR] [--user USER] [--agent ID] [--strict] [--json]
               memledger import-mcp-memory FILE [--data DIR] [--user USER] [--agent ID] [--strict] [--json]

        import-mem0 reads mem0 list output: the self-hosted server's GET /api/v1/memories answer or
        the OSS get_all output ({"results": [...]}), a bare list, or JSON lines of records. Each
        record's user_id is kept (else --user); agent_id and run_id are kept.
        import-mcp-memory reads the MCP reference memory server's memory.jsonl: each observation of
        an entity becomes "<name>: <observation>" (entity_name, entity_type in metadata), each
        relation "<from> <relationType> <to>"; everything goes to --user.

        Every memory becomes a memory.added event with transport import and client cli; the source's
        id and time are kept in metadata as source_id and source_created_at. Exact duplicates of
        live memories are skipped. Malformed lines or records are skipped and reported; everything
        else is added in one transaction (an import never half-happens).
        --user defaults to MEMLEDGER_DEFAULT_USER_ID, MEM0_DEFAULT_USER_ID, else "default".

          --strict   add nothing when any line or record is malformed (exit 65)
          --json     one JSON object: added, duplicates, skipped (origin and reason each)
        Exit: 0 imported, 65 malformed input with --strict or nothing readable, 64 bad arguments,
        69 FILE cannot be read.
        """
    static let valued: Set<String> = ["data", "user", "agent"]

    let context: OperatorContext
    let source: Source
    let file: String
    let user: String
    let agent: String?
    let strict: Bool

    init(_ args: Arguments, source: Source) throws(UsageError) {
        try args.allowOnly(["data", "user", "agent", "strict"])
        guard args.positionals.count == 1 else { throw UsageError("give one FILE to import") }
        context = OperatorContext(args)
        self.source = source
        file = args.positionals[0]
        user = args["user"] ?? OperatorContext.defaultUser
        agent = args["agent"]
        strict = args.has("strict")
    }

    static func main(_ words: [String], source: Source) throws -> ExitCode {
        if words.contains("--help") || words.contains("-h") {
            // Lead with the usage line of the command that was asked about.
            var lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if source == .mcpMemory {
                lines.swapAt(0, 1)
                lines[0] = lines[0].replacingOccurrences(of: "       memledger", with: "usage: memledger")
                lines[1] = lines[1].replacingOccurrences(of: "usage: memledger", with: "       memledger")
            }
            print(lines.joined(separator: "\n"))
            return .ok
        }
        return try Self(Arguments(words, valued: valued), source: source).run()
    }

    func run() throws -> ExitCode {
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "not readable" : "no such file"
            throw CommandFailure(.unavailable, "cannot read \(file): \(reason)")
        }
        let (items, skipped) = source == .mem0
            ? ForeignExport.mem0(Array(data), defaultUser: user, agent: agent)
            : ForeignExport.mcpMemory(Array(data), user: user, agent: agent)
        if strict, let first = skipped.first {
            throw CommandFailure(.dataError, "\(first.origin): \(first.reason) (\(skipped.count) malformed; nothing imported)")
        }
        if items.isEmpty && !skipped.isEmpty {
            throw CommandFailure(.dataError, "nothing readable in \(file): \(skipped[0].origin): \(skipped[0].reason)")
        }
        try context.data.create()
        let service = try MemoryService.forOperator(path: context.data.database)
        defer { service.close() }
        let outcome: ImportOutcome
        do {
            outcome = try service.importMemories(items, provenance: OperatorContext.provenance(.import), strict: strict)
        } catch let error as MemoryError where strict && error.code == .invalidArgument {
            throw CommandFailure(.dataError, error.detail)
        }
        let allSkipped = skipped + outcome.rejected.map { ForeignExport.Skipped(origin: $0.origin, reason: $0.reason) }
        if context.json {
            context.emit([
                "added": .int(Int64(outcome.added.count)), "ids": .array(outcome.added.map { .string($0) }),
                "duplicates": .array(outcome.duplicates.map { ["origin": .string($0.origin), "existing_id": .string($0.existingID)] }),
                "skipped": .array(allSkipped.map { ["origin": .string($0.origin), "reason": .string($0.reason)] }),
            ])
        } else {
            func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
            print("added \(count(outcome.added.count, "memory", "memories")), \(count(outcome.duplicates.count, "duplicate", "duplicates")) skipped, "
                  + "\(allSkipped.count) malformed skipped")
            for s in allSkipped { print("  skipped \(s.origin): \(s.reason)") }
        }
        return .ok
    }
}
