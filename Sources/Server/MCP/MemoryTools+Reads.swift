import JSON
import MCP
import Memory

/// The tools that only read: list, get, history. None takes an agent_id: reads span all agents.
extension MemoryTools {
    static func listMemories(_ service: MemoryService) -> MCPTool {
        MCPTool(
            name: "list_memories",
            title: "List memories",
            description: """
                List the user's memories from all agents, newest first, one page at a time. \
                Use search_memories to find something specific; use this to browse. \
                When pagination.has_more is true, call again with offset increased by limit.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "limit": ["type": "integer", "minimum": 1, "maximum": 100, "default": 50, "description": "Page size, 1–100 (default 50)."],
                    "offset": ["type": "integer", "minimum": 0, "default": 0, "description": "How many memories to skip (default 0)."],
                ],
                "additionalProperties": false,
            ],
            outputSchema: [
                "type": "object",
                "properties": [
                    "results": ["type": "array", "items": memorySchema],
                    "pagination": [
                        "type": "object",
                        "properties": [
                            "limit": ["type": "integer"], "offset": ["type": "integer"], "has_more": ["type": "boolean"],
                            "total": ["type": "integer"],
                        ],
                        "required": ["limit", "offset", "has_more", "total"],
                    ],
                ],
                "required": ["results", "pagination"],
            ],
            annotations: .readOnly,
            requiredScope: Scope.read.rawValue
        ) { arguments, context in
            try await guarded("list_memories") {
                let limit = Int(arguments["limit"]?.intValue ?? 50)
                let offset = Int(arguments["offset"]?.intValue ?? 0)
                let page = try service.list(limit: limit, offset: offset, caller: try makeCaller(context))
                return .success([
                    "results": .array(page.memories.map(\.json)),
                    "pagination": [
                        "limit": .int(Int64(page.limit)), "offset": .int(Int64(page.offset)), "has_more": .bool(page.hasMore),
                        "total": .int(Int64(page.total)),
                    ],
                ])
            }
        }
    }

    static func getMemory(_ service: MemoryService) -> MCPTool {
        MCPTool(
            name: "get_memory",
            title: "Get memory",
            description: "Fetch one memory by its memory_id, whichever agent stored it.",
            inputSchema: [
                "type": "object",
                "properties": ["memory_id": memoryIDProperty],
                "required": ["memory_id"],
                "additionalProperties": false,
            ],
            outputSchema: memorySchema,
            annotations: .readOnly,
            requiredScope: Scope.read.rawValue
        ) { arguments, context in
            let id = arguments["memory_id"]?.stringValue ?? ""
            return try await guarded("get_memory", memoryID: id) {
                memoryResult(try service.get(id, caller: try makeCaller(context)))
            }
        }
    }

    static func memoryHistory(_ service: MemoryService) -> MCPTool {
        MCPTool(
            name: "memory_history",
            title: "Memory history",
            description: """
                Show every change to one memory, oldest first: when it was added, each update with \
                the old and new content, deletion, and which agent made each change. Works for \
                deleted memories too.
                """,
            inputSchema: [
                "type": "object",
                "properties": ["memory_id": memoryIDProperty],
                "required": ["memory_id"],
                "additionalProperties": false,
            ],
            outputSchema: [
                "type": "object",
                "properties": [
                    "memory_id": ["type": "string"],
                    "history": [
                        "type": "array",
                        "items": [
                            "type": "object",
                            "properties": [
                                "position": ["type": "integer"], "version": ["type": "integer"], "event": ["type": "string"],
                                "created_at": ["type": "string"], "content": nullableString, "previous_content": nullableString,
                                "agent_id": nullableString, "client_id": nullableString, "actor": nullableString,
                                "transport": ["type": "string"], "metadata": ["type": ["object", "null"]],
                                "previous_metadata": ["type": ["object", "null"]], "redacted": ["type": "boolean"],
                                "reason": ["type": "string"], "reverted_to_version": ["type": "integer"],
                            ],
                            "required": ["position", "version", "event", "created_at"],
                        ],
                    ],
                ],
                "required": ["memory_id", "history"],
            ],
            annotations: .readOnly,
            requiredScope: Scope.read.rawValue
        ) { arguments, context in
            let id = arguments["memory_id"]?.stringValue ?? ""
            return try await guarded("memory_history", memoryID: id) {
                let entries = try service.history(id, caller: try makeCaller(context))
                return .success(["memory_id": .string(id), "history": .array(entries.map(\.json))])
            }
        }
    }
}
