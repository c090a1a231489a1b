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
        usage: memledger mcp [--data DIR] [--agent NAME] [--user USER_ID] [--content-limit BYTES]
                             [--embedder builtin|openai|minilm] [--embed-base-url URL] [--embed-model NAME]
                             [--embed-api-key KEY] [--model-dir DIR]

        Serves the memory tools (add_memory, search_memories, …) over stdio for a local MCP client.
        --agent NAME   the agent_id recorded on writes that name none (default: MEMLEDGER_AGENT or "stdio")
        --user ID      whose memories to use (default: MEMLEDGER_DEFAULT_USER_ID, MEM0_DEFAULT_USER_ID or "default")
        The embedder options and --content-limit are those of `memledger serve`, read from the same
        variables; give the same values as the server on this data directory. When the stored vectors
        come from another embedder, searches rank by keywords and the server embeds new memories.

        Example (Claude Code):  claude mcp add memledger -- memledger mcp --data ~/.memledger --agent claude-code
        """

    /// The `serve` settings that also shape a stdio process: where the data is, whose it is, and
    /// how content is limited and embedded.
    static let sharedWithServe = Set(ServerConfiguration.embedderFlags).union(["data", "content-limit"])
    static let valued: Set<String> = sharedWithServe.union(["agent", "user"])

    let configuration: ServerConfiguration
    let agent: String

    init(_ args: Arguments) throws(UsageError) {
        try self.init(args, environment: ProcessInfo.processInfo.environment)
    }

    init(_ args: Arguments, environment: [String: String]) throws(UsageError) {
        try args.allowOnly(Self.valued)
        guard args.positionals.isEmpty else { throw UsageError("mcp takes no positional arguments") }
        var options = args.options.filter { Self.sharedWithServe.contains($0.key) }
        if let user = args["user"] { options["default-user"] = user }
        do {
            (configuration, _) = try ServerConfiguration.resolve(options: options, environment: environment)
        } catch {
            throw UsageError(error.description)
        }
        agent = args["agent"] ?? environment["MEMLEDGER_AGENT"] ?? "stdio"
        guard !agent.isEmpty else { throw UsageError("--agent must not be empty") }
        guard !configuration.defaultUserID.isEmpty else { throw UsageError("--user must not be empty") }
    }

    func run() throws -> ExitCode {
        // A first start creates the store; say so, since a mistyped --data would otherwise look like an empty memory.
        let isNew = !FileManager.default.fileExists(atPath: DataDirectory(path: configuration.dataDirectory).database)
        let service: MemoryService
        do {
            service = try openService()
        } catch let error as EmbedderSettingsError {
            printError(error.description)
            return .usage
        }
        defer { service.close() }
        let principal = Principal(
            userID: configuration.defaultUserID, clientID: "stdio", agentName: agent, scopes: Set(Scope.allCases), kind: .local)
        let context = MCPCallContext(
            principal: principal, scopes: Set(principal.scopes.map(\.rawValue)), agentName: agent, transport: "stdio")
        let stdio = MCPStdio(
            server: MemoryTools.server(service: service, version: memledgerVersion), baseContext: context)
        if isNew { printError("mcp: no store was at \(configuration.dataDirectory); created a new, empty one") }
        printError("mcp: serving \(configuration.dataDirectory) over stdio as agent '\(agent)', embedder '\(service.embedder.model)'")
        try blocking { await stdio.run() }
        return .ok
    }

    /// Opens the store with the configured embedder; when the stored vectors come from another
    /// model (the server was given settings this process was not), with a ``DeferredEmbedder``
    /// instead: searches then rank by keywords (each answer says so) and new memories wait for the
    /// server's vector worker, rather than this process refusing to start or mixing models in one index.
    private func openService() throws -> MemoryService {
        do {
            return try ServerEnvironment.openService(configuration)
        } catch let error as MemoryError where error.code == .embedderMismatch {
            printError("mcp: the stored vectors come from another embedder than this process's settings; searches rank by keywords and a running `memledger serve` embeds new memories")
            let database = DataDirectory(path: configuration.dataDirectory).database
            return try ServerEnvironment.openService(configuration, embedder: DeferredEmbedder(forDatabase: database))
        }
    }
}
