import JSON
import Ledger
import MCP
import Memory

/// The memory tools every MCP front offers (Streamable HTTP at `/mcp` and stdio), with the names
/// and parameters of the mem0 server memledger replaces (reference/rest-compat.md).
///
/// Handlers only translate: arguments to a ``Caller`` and a domain request, domain answers to
/// `structuredContent` plus the same JSON as text, and domain errors to `isError` results whose
/// text tells the model what to do next. No tool takes a `user_id`: the credential decides it.
public enum MemoryTools {
    /// All seven tools, in the order `tools/list` shows them.
    public static func all(service: MemoryService) -> [MCPTool] {
        [
            addMemory(service), searchMemories(service), listMemories(service), getMemory(service),
            updateMemory(service), deleteMemory(service), memoryHistory(service),
        ]
    }

    /// The MCP server with the memory tools and the default instructions, for any transport.
    public static func server(service: MemoryService, version: String) -> MCPServer {
        MCPServer(
            info: MCPServerInfo(
                version: version,
                description: "Long-term memory shared by your AI agents, kept in an append-only ledger."),
            tools: all(service: service))
    }

    // MARK: - Caller

    /// The caller a tool call acts as.
    ///
    /// - Parameter agentID: the `agent_id` argument of a write; else the credential's name
    ///   (API key or OAuth client name) is recorded as the agent (DESIGN.md §6).
    /// - Throws: ``MCPToolError`` when the transport attached no ``Principal``, a wiring fault
    ///   that must not turn into writes without an owner.
    static func makeCaller(_ context: MCPCallContext, agentID: String? = nil) throws -> Caller {
        guard let principal = context.principal as? Principal else {
            throw MCPToolError("This server could not tell who is calling, so the call was refused. Reconnect and try again.")
        }
        let transport: Transport = context.transport == "stdio" ? .stdio : .mcp
        let provenance = Provenance(
            agentID: agentID ?? principal.agentName, clientID: principal.clientID, transport: transport,
            requestID: context.requestID.isEmpty ? nil : context.requestID)
        return Caller(userID: principal.userID, provenance: provenance)
    }

    // MARK: - Errors

    /// Runs a tool body, turning domain errors into results the model can act on.
    ///
    /// Memory content is never echoed; ids are, because the model already has them.
    static func guarded(
        _ tool: String, memoryID: String? = nil, _ body: () async throws -> MCPToolResult
    ) async throws -> MCPToolResult {
        do {
            return try await body()
        } catch let error as MemoryError {
            return failure(for: error, tool: tool, memoryID: memoryID)
        }
    }

    static func failure(for error: MemoryError, tool: String, memoryID: String?) -> MCPToolResult {
        switch error.code {
        case .notFound:
            let id = memoryID ?? ""
            return .failure(
                "No memory with id '\(id.prefix(80))' exists (it may have been deleted). "
                    + "Use search_memories or list_memories to find the right memory_id.",
                structured: ["error": "not_found", "memory_id": .string(id)])
        case .invalidArgument:
            return .failure(
                "Invalid arguments for \(tool): \(error.detail).",
                structured: ["error": "invalid_argument", "detail": .string(error.detail)])
        case .contentTooLarge:
            return .failure(
                "The content is too large: \(error.detail).",
                structured: ["error": "content_too_large", "detail": .string(error.detail)])
        case .versionConflict, .conflict, .idempotencyKeyReused, .embedderMismatch:
            var structured: JSONObject = ["error": .string(error.code.rawValue), "detail": .string(error.detail)]
            if let memoryID { structured["memory_id"] = .string(memoryID) }
            return .failure("\(tool) could not be applied: \(error.detail).", structured: structured)
        }
    }

    /// A bad argument the schema could not catch (blank text, a forbidden filter).
    static func invalid(_ tool: String, _ detail: String) -> MCPToolResult {
        .failure("Invalid arguments for \(tool): \(detail).", structured: ["error": "invalid_argument", "detail": .string(detail)])
    }

    // MARK: - Results

    /// A memory as tools return it, with notes on metadata keys that were not stored.
    static func memoryResult(_ memory: Memory, extra: JSONObject = [:], ignoredMetadataKeys: [String] = []) -> MCPToolResult {
        var object = memory.json.objectValue ?? JSONObject()
        for (key, value) in extra { object[key] = value }
        if !ignoredMetadataKeys.isEmpty {
            object["ignored_metadata_keys"] = .array(ignoredMetadataKeys.map(JSONValue.string))
            object["note"] = .string(
                "metadata may not set \(ignoredMetadataKeys.joined(separator: ", ")); those keys were ignored and the memory's scope is unchanged")
        }
        return .success(object)
    }
}
