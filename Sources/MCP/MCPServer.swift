import JSON

/// The transport-independent MCP server: JSON-RPC 2.0 framing, the lifecycle and the tools.
///
/// It is an immutable value built once at start-up and shared by every transport; all
/// per-request data travels in ``MCPCallContext``. It keeps no session state, which is what lets
/// the Streamable HTTP transport run stateless (checklist §1.7).
public struct MCPServer: Sendable {
    public let info: MCPServerInfo
    public let instructions: String?
    public let tools: [MCPTool]
    private let toolIndex: [String: Int]

    /// - Precondition: tool names are unique.
    public init(info: MCPServerInfo, instructions: String? = MCPServer.defaultInstructions, tools: [MCPTool]) {
        var index: [String: Int] = [:]
        for (position, tool) in tools.enumerated() {
            precondition(index.updateValue(position, forKey: tool.name) == nil, "duplicate MCP tool name")
        }
        self.info = info
        self.instructions = instructions
        self.tools = tools
        self.toolIndex = index
    }

    /// How an agent should use a shared memory, sent in the `initialize` result.
    public static let defaultInstructions = """
        memledger is a long-term memory shared by several AI agents working for the same user. \
        Before answering anything that may depend on the user's preferences, history, projects or \
        earlier decisions, call search_memories with a short query and use what it finds. \
        When you learn a durable fact (a preference, a decision, a correction, a stable detail about \
        the user or their work), store it with add_memory as one short standalone statement that \
        makes sense without the conversation, e.g. "The user is allergic to peanuts.". \
        Prefer update_memory over adding a near-duplicate when a stored fact has changed. \
        Always pass agent_id with the name of the agent you are (for example "claude-code" or \
        "codex") so other agents can see who wrote what. \
        Never store secrets: no passwords, API keys, tokens or private keys, and nothing the user \
        asked you to keep out of memory.
        """

    public func tool(named name: String) -> MCPTool? {
        toolIndex[name].map { tools[$0] }
    }

    // MARK: - Entry points

    /// Handles one newline-free JSON-RPC message or batch as bytes and returns the bytes to send
    /// back, or `nil` when nothing should be sent (notifications, responses).
    public func handle(_ message: some Collection<UInt8>, context: MCPCallContext) async -> [UInt8]? {
        await respond(to: message, context: context).messageBytes
    }

    /// Handles raw bytes: a parse failure becomes a `-32700` error with `id: null`.
    public func respond(to message: some Collection<UInt8>, context: MCPCallContext) async -> MCPReply {
        let value: JSONValue
        do {
            value = try JSONValue.parse(message)
        } catch {
            return .badRequest(encode(JSONRPCError.parseError(error.message).response(id: nil)))
        }
        return await respond(to: value, context: context)
    }

    /// Handles one parsed message or batch. Batches are accepted only when
    /// `context.protocolVersion` allows them (2025-03-26 and earlier; checklist §1.2).
    public func respond(to message: JSONValue, context: MCPCallContext) async -> MCPReply {
        guard case .array(let items) = message else {
            return await reply(for: dispatch(message, context: context, inBatch: false))
        }
        guard MCPProtocolVersion.allowsBatches(context.protocolVersion) else {
            let error = JSONRPCError.invalidRequest("JSON-RPC batches are not supported in protocol version \(context.protocolVersion)")
            return .badRequest(encode(error.response(id: nil)))
        }
        guard !items.isEmpty else {
            return .badRequest(encode(JSONRPCError.invalidRequest("empty batch").response(id: nil)))
        }
        var responses: [JSONValue] = []
        for item in items {
            switch await dispatch(item, context: context, inBatch: true) {
            case .none:
                continue
            case .reply(let value), .invalid(let value), .probe(let value):
                responses.append(value)
            case .forbidden(_, let fallback):
                responses.append(fallback)
            }
        }
        return responses.isEmpty ? .accepted : .response(encode(.array(responses)))
    }

    // MARK: - Dispatch

    private enum Outcome {
        case none
        case reply(JSONValue)
        case invalid(JSONValue)
        case probe(JSONValue)
        case forbidden(scope: String, fallback: JSONValue)
    }

    private func reply(for outcome: Outcome) -> MCPReply {
        switch outcome {
        case .none: return .accepted
        case .reply(let value): return .response(encode(value))
        case .invalid(let value), .probe(let value): return .badRequest(encode(value))
        case .forbidden(let scope, let fallback): return .forbidden(scope: scope, response: encode(fallback))
        }
    }

    private func encode(_ value: JSONValue) -> [UInt8] {
        value.serialized(sortedKeys: false)
    }

    /// Classifies one message (JSON-RPC §4, §5) and runs it if it is a request.
    private func dispatch(_ message: JSONValue, context: MCPCallContext, inBatch: Bool) async -> Outcome {
        guard let object = message.objectValue else {
            return .invalid(JSONRPCError.invalidRequest("a JSON-RPC message must be an object").response(id: nil))
        }
        guard object["jsonrpc"] == "2.0" else {
            return .invalid(JSONRPCError.invalidRequest("\"jsonrpc\" must be \"2.0\"").response(id: validID(object["id"])))
        }
        guard let methodValue = object["method"] else {
            // A response to a request we never send, or garbage: responses are accepted and ignored.
            if object["id"] != nil, object["result"] != nil || object["error"] != nil { return .none }
            return .invalid(JSONRPCError.invalidRequest("missing \"method\"").response(id: validID(object["id"])))
        }
        guard let method = methodValue.stringValue else {
            return .invalid(JSONRPCError.invalidRequest("\"method\" must be a string").response(id: validID(object["id"])))
        }
        let params = object["params"]
        if let params, params.objectValue == nil, params.arrayValue == nil {
            return .invalid(JSONRPCError.invalidRequest("\"params\" must be an object or array").response(id: validID(object["id"])))
        }
        guard let idValue = object["id"] else {
            // Notifications never get a reply, known or not (checklist §1.4).
            return .none
        }
        guard let id = validID(idValue) else {
            return .invalid(JSONRPCError.invalidRequest("\"id\" must be a string or a number").response(id: nil))
        }
        var context = context
        context.rpcID = id
        return await run(method: method, params: params, id: id, context: context, inBatch: inBatch)
    }

    /// A request id is a string or a number (MCP forbids null).
    private func validID(_ id: JSONValue?) -> JSONValue? {
        switch id {
        case .string?, .int?, .double?: return id
        default: return nil
        }
    }

    private func run(method: String, params: JSONValue?, id: JSONValue, context: MCPCallContext, inBatch: Bool) async -> Outcome {
        if params?.arrayValue != nil {
            return .reply(JSONRPCError.invalidParams("MCP params must be an object").response(id: id))
        }
        let params = params?.objectValue ?? JSONObject()
        switch method {
        case "initialize":
            if inBatch {
                return .reply(JSONRPCError.invalidRequest("initialize must not be part of a batch").response(id: id))
            }
            return .reply(success(id: id, result: initializeResult(params: params)))
        case "ping":
            return .reply(success(id: id, result: .object(JSONObject())))
        case "tools/list":
            return listTools(params: params, id: id, version: context.protocolVersion)
        case "tools/call":
            return await callTool(params: params, id: id, context: context)
        case "server/discover":
            // A 2026-era client probing (checklist §1.9): a 400 with a plain -32601 makes it
            // fall back to initialize; never answer with -32020…-32022.
            return .probe(JSONRPCError.methodNotFound(method).response(id: id))
        default:
            return .reply(JSONRPCError.methodNotFound(method).response(id: id))
        }
    }

    private func success(id: JSONValue, result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    // MARK: - Methods

    private func initializeResult(params: JSONObject) -> JSONValue {
        let version = MCPProtocolVersion.negotiate(params["protocolVersion"]?.stringValue)
        var result: JSONObject = [
            "protocolVersion": .string(version),
            "capabilities": ["tools": ["listChanged": false]],
            "serverInfo": info.jsonValue(for: version),
        ]
        if let instructions { result["instructions"] = .string(instructions) }
        return .object(result)
    }

    private func listTools(params: JSONObject, id: JSONValue, version: String) -> Outcome {
        // All tools fit one page, so no cursor is ever issued; any cursor is therefore not ours.
        if let cursor = params["cursor"], !cursor.isNull {
            return .reply(JSONRPCError.invalidParams("unknown cursor").response(id: id))
        }
        let definitions = tools.map { $0.definition(for: version) }
        return .reply(success(id: id, result: ["tools": .array(definitions)]))
    }

    private func callTool(params: JSONObject, id: JSONValue, context: MCPCallContext) async -> Outcome {
        guard let name = params["name"]?.stringValue else {
            return .reply(JSONRPCError.invalidParams("tools/call needs a string \"name\"").response(id: id))
        }
        guard let tool = tool(named: name) else {
            return .reply(JSONRPCError.invalidParams("Unknown tool: \(name)").response(id: id))
        }
        let arguments: JSONObject
        switch params["arguments"] {
        case nil, .null?: arguments = JSONObject()
        case .object(let object)?: arguments = object
        default: return .reply(JSONRPCError.invalidParams("\"arguments\" must be an object").response(id: id))
        }
        let version = context.protocolVersion
        if !tool.requiredScope.isEmpty, !context.scopes.contains(tool.requiredScope) {
            let refusal = MCPToolResult.failure(
                "This credential lacks the '\(tool.requiredScope)' scope that \(name) requires. Ask the user for a key or authorization with that scope.")
            return .forbidden(scope: tool.requiredScope, fallback: success(id: id, result: refusal.jsonValue(for: version)))
        }
        let problems = MCPArgumentValidator.problems(in: arguments, schema: tool.inputSchema)
        if !problems.isEmpty {
            let text = "Invalid arguments for \(name): \(problems.joined(separator: "; ")). Expected: \(MCPArgumentValidator.signature(of: tool.inputSchema))."
            return .reply(success(id: id, result: MCPToolResult.failure(text).jsonValue(for: version)))
        }
        let result: MCPToolResult
        do {
            result = try await tool.handler(arguments, context)
        } catch let error as MCPToolError {
            result = .failure(error.message, structured: error.structuredContent)
        } catch {
            result = .failure("\(name) failed because of an internal error; the request can be retried.")
        }
        return .reply(success(id: id, result: result.jsonValue(for: version)))
    }
}
