import Foundation
import Server

/// The version of this build.
let memledgerVersion = "0.1.0"

let usage = """
    usage: memledger <command> [options]

    serve and connect:
      serve            run the HTTP server (REST API, MCP)
      mcp              the memory tools over stdio for a local MCP client (Claude Code, Codex, …)
      keys             create, list or revoke API keys
      clients          list or revoke OAuth clients (clients list | clients revoke ID)
    inspect and prove:
      verify           check the hash chain, payload digests and projections against a rebuild
      audit            who changed what: events with provenance, and a summary per client
      history ID       every change of one memory
      stats            counts and sizes
      replay           build the store as it was at a position or time, into a separate file
      reindex          rebuild the vectors with the configured embedder (after switching embedders)
    change (beside a running server):
      redact           erase a memory's (or a user's) content from its whole history
      restore ID       bring a deleted memory back
      revert ID        set a memory back to an earlier version
    move data:
      export           the ledger as JSON lines (verbatim: the same hashes on import)
      import FILE      an export into an empty data directory, verified
      backup FILE      a consistent copy of the database while servers run
      restore-backup   a backup into a new data directory, verified before use
      import-mem0      memories from mem0 list output
      import-mcp-memory  memories from the MCP reference memory server's memory.jsonl
    other:
      --version        print the version

    Every command takes --help. Data lives in ./data unless --data DIR or MEMLEDGER_DATA_DIR says otherwise.
    Exit codes: 0 ok, 1 the command found a problem, 64 usage, 65 bad data, 69 unavailable.
    """

signal(SIGPIPE, SIG_IGN)
let words = Array(CommandLine.arguments.dropFirst())
let command = words.first ?? "--help"
let rest = Array(words.dropFirst())

func runCommand() -> ExitCode {
    do {
        switch command {
        case "--version", "version":
            print("memledger \(memledgerVersion)")
            return .ok
        case "--help", "-h", "help":
            print(usage)
            return .ok
        case "verify": return try VerifyCommand.main(rest)
        case "replay": return try ReplayCommand.main(rest)
        case "reindex": return try ReindexCommand.main(rest)
        case "audit": return try AuditCommand.main(rest)
        case "history": return try HistoryCommand.main(rest)
        case "redact": return try RedactCommand.main(rest)
        case "restore": return try RestoreCommand.main(rest)
        case "revert": return try RevertCommand.main(rest)
        case "stats": return try StatsCommand.main(rest)
        case "export": return try ExportCommand.main(rest)
        case "import": return try ImportCommand.main(rest)
        case "backup": return try BackupCommand.main(rest)
        case "restore-backup": return try RestoreBackupCommand.main(rest)
        case "import-mem0": return try ForeignImportCommand.main(rest, source: .mem0)
        case "import-mcp-memory": return try ForeignImportCommand.main(rest, source: .mcpMemory)
        case "debug-seed": return try SeedCommand.main(rest)
        case "serve":
            if rest.contains("--help") { print(ServeCommand.help); return .ok }
            return try ServeCommand(Arguments(rest, valued: ServerConfiguration.valuedFlags)).run()
        case "keys":
            if rest.contains("--help") { print(KeysCommand.help); return .ok }
            return try KeysCommand(Arguments(rest, valued: ["data", "name", "user", "scopes"])).run()
        case "clients": return try ClientsCommand.main(rest)
        case "mcp": return try McpCommand.main(rest)
        case "debug-append":
            if rest.contains("--help") { print(AppendLoopCommand.help); return .ok }
            return try AppendLoopCommand(Arguments(rest, valued: ["data", "stream", "count", "concurrency"])).run()
        default:
            if command.hasPrefix("--") {
                printError("options come after the command, e.g. memledger stats \(command) …\n\(usage)")
            } else {
                printError("unknown command '\(command)'\n\(usage)")
            }
            return .usage
        }
    } catch {
        let (code, message) = exitCode(for: error)
        printError(message)
        return code
    }
}

exit(runCommand().rawValue)
