import JSON
import MCP
import Memory

/// The search tool: hybrid (keyword + semantic) search across every agent's memories.
extension MemoryTools {
    static func searchMemories(_ service: MemoryService) -> MCPTool {
        MCPTool(
            name: "search_memories",
            title: "Search memories",
            description: """
                Search the long-term memory shared by all of the user's agents. Call this before \
                answering anything that may depend on the user's preferences, history, projects or \
                earlier decisions. Use a short query of the key words or the question itself \
                (any language). Results come from every agent, best match first, each with a score. \
                Optional: mode (hybrid by default; keyword for exact words, semantic for meaning), \
                recency_weight 0–1 to favour newer memories, and filters on run_id or metadata values, \
                e.g. {"run_id": "task-7"} or {"metadata": {"source": "chat"}}.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "query": ["type": "string", "minLength": 1, "description": "What to look for, in plain words."],
                    "limit": ["type": "integer", "minimum": 1, "maximum": 100, "default": 15, "description": "Most results to return, 1–100 (default 15)."],
                    "mode": ["type": "string", "enum": .array(SearchMode.allCases.map { .string($0.rawValue) }), "default": "hybrid"],
                    "recency_weight": [
                        "type": "number", "minimum": 0, "maximum": 1, "default": 0,
                        "description": "0 ranks by relevance only (default); up to 1 favours recent memories.",
                    ],
                    "filters": [
                        "type": "object",
                        "description": "Narrow the search: run_id (string) and metadata (an object of key/value pairs that must match exactly). Other keys are read as metadata keys. There is no agent filter: search spans all agents.",
                        "properties": ["run_id": ["type": "string"], "metadata": ["type": "object"]],
                    ],
                ],
                "required": ["query"],
                "additionalProperties": false,
            ],
            outputSchema: [
                "type": "object",
                "properties": [
                    "results": [
                        "type": "array",
                        "items": [
                            "type": "object",
                            "properties": .object(memoryProperties.merging(["score": ["type": "number"], "signals": ["type": "object"]])),
                            "required": ["id", "content", "score"],
                        ],
                    ],
                    "mode": ["type": "string"],
                    "vectors_pending": ["type": "integer"],
                    "note": ["type": "string"],
                ],
                "required": ["results", "mode"],
            ],
            annotations: .readOnly,
            requiredScope: Scope.read.rawValue
        ) { arguments, context in
            try await guarded("search_memories") {
                let query = arguments["query"]?.stringValue ?? ""
                guard query.contains(where: { !$0.isWhitespace }) else {
                    return invalid("search_memories", "query must contain at least one word; to browse everything use list_memories")
                }
                let filter: MemoryFilter
                switch searchFilter(arguments["filters"]?.objectValue ?? JSONObject()) {
                case .success(let built): filter = built
                case .failure(let problem): return invalid("search_memories", problem.detail)
                }
                var request = SearchRequest(query: query)
                request.limit = Int(arguments["limit"]?.intValue ?? 15)
                if let mode = arguments["mode"]?.stringValue.flatMap(SearchMode.init(rawValue:)) { request.mode = mode }
                request.recencyWeight = arguments["recency_weight"]?.doubleValue ?? 0
                request.filter = filter
                let result = try await service.search(request, caller: try makeCaller(context))
                return .success(result.json.objectValue ?? ["results": [], "mode": .string(result.mode.rawValue)])
            }
        }
    }

    /// Builds the search filter: `run_id`, `metadata`, and any other key as a metadata key (the
    /// flat mem0 style). `agent_id` and `user_id` are refused: reads span every agent of the user.
    static func searchFilter(_ filters: JSONObject) -> Result<MemoryFilter, MemoryError> {
        var filter = MemoryFilter()
        for (key, value) in filters {
            switch key {
            case "agent_id":
                return .failure(.invalid("filters cannot contain agent_id: search always spans all agents' memories; remove it (each result's agent_id says who stored it)"))
            case "user_id":
                return .failure(.invalid("filters cannot contain user_id: the credential decides whose memories are searched; remove it"))
            case "run_id":
                guard let runID = value.stringValue else { return .failure(.invalid("filters.run_id must be a string")) }
                filter.runID = runID
            case "metadata":
                guard let metadata = value.objectValue else { return .failure(.invalid("filters.metadata must be an object")) }
                for (name, expected) in metadata {
                    guard expected.arrayValue == nil, expected.objectValue == nil else {
                        return .failure(.invalid("filters.metadata.\(name) must be a string, number, boolean or null"))
                    }
                    filter.metadata[name] = expected
                }
            default:
                guard value.arrayValue == nil, value.objectValue == nil else {
                    return .failure(.invalid("filters.\(key) must be a string, number, boolean or null (it is matched against metadata.\(key))"))
                }
                filter.metadata[key] = value
            }
        }
        return .success(filter)
    }
}
