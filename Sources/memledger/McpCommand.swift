import Foundation
import Ledger
import MCP
import Memory
import Server

/// `memledger mcp`: the memory tools over stdio for a local agent (newline-delimited JSON-RPC).
///
/// The process acts as the owner of the default user: whoever can start it can already read the
/// data directory, so there is no credential to check. Any number of these may run beside a
/// `serve` on the same data directory; the ledger serialises their writes (DESIGN.md §6).
/// Standard output carries only JSON-RPC; diagnostics go to standard error.
struct McpCommand: CLICommand {
    static let help = """
        usage: memledger mcp [--data DIR] [--agent NAME] [--user USER_ID]

        Serves the memory tools (add_memory, search_memories, …) over stdio for a local MCP client.
        --agent NAME   the agent_id recorded on writes that name none (default: MEMLEDGER_AGENT or "stdio")
        --user ID      whose memories to use (default: MEMLEDGER_DEFAULT_USER_ID, MEM0_DEFAULT_USER_ID or "default")

        Example (Claude Code):  claude mcp add memledger -- memledger mcp --data ~/memledger --agent claude-code
        """

    static let valued: Set<String> = ["data", "agent", "user"]

    /// The user a local process acts for when none is configured.
    static let fallbackUserID = "default"

    let data: DataDirectory
    let agent: String
    let userID: String

    init(_ args: Arguments) throws(UsageError) {
        try self.init(args, environment: ProcessInfo.processInfo.environment)
    }

    init(_ args: Arguments, environment: [String: String]) throws(UsageError) {
        try args.allowOnly(Self.valued)
        guard args.positionals.isEmpty else { throw UsageError("mcp takes no positional arguments") }
        data = DataDirectory(path: args["data"] ?? defaultDataDirectory())
        agent = args["agent"] ?? environment["MEMLEDGER_AGENT"] ?? "stdio"
        userID = args["user"] ?? environment["MEMLEDGER_DEFAULT_USER_ID"] ?? environment["MEM0_DEFAULT_USER_ID"] ?? Self.fallbackUserID
        guard !agent.isEmpty else { throw UsageError("--agent must not be empty") }
        guard !userID.isEmpty else { throw UsageError("--user must not be empty") }
    }

    func run() throws -> ExitCode {
        try data.create()
        let service = try openService()
        defer { service.close() }
        let principal = Principal(
            userID: userID, clientID: "stdio", agentName: agent, scopes: Set(Scope.allCases), kind: .local)
        let context = MCPCallContext(
            principal: principal, scopes: Set(principal.scopes.map(\.rawValue)), agentName: agent, transport: "stdio")
        let stdio = MCPStdio(
            server: MemoryTools.server(service: service, version: memledgerVersion), baseContext: context)
        printError("mcp: serving \(data.path) over stdio as agent '\(agent)'")
        try blocking { await stdio.run() }
        return .ok
    }

    /// Opens the store with the built-in embedder; when the stored vectors come from another model
    /// (a `serve` configured with MiniLM or an embedding API), with a ``DeferredEmbedder`` instead:
    /// searches then rank by keywords (each answer says so) and new memories wait for the server's
    /// vector worker, rather than this process refusing to start or mixing models in one index.
    private func openService() throws -> MemoryService {
        do {
            return try MemoryService(path: data.database)
        } catch let error as MemoryError where error.code == .embedderMismatch {
            printError("mcp: the stored vectors come from another embedder; searches rank by keywords and a running `memledger serve` embeds new memories")
            var configuration = MemoryConfiguration()
            configuration.embedder = DeferredEmbedder(forDatabase: data.database)
            return try MemoryService(path: data.database, configuration: configuration)
        }
    }
}
