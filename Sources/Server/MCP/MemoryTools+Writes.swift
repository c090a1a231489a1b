import JSON
import MCP
import Memory

/// The tools that change memories: add, update, delete.
extension MemoryTools {
    static func addMemory(_ service: MemoryService) -> MCPTool {
        MCPTool(
            name: "add_memory",
            title: "Add memory",
            description: """
                Store one durable fact in the long-term memory shared by all of the user's agents, \
                e.g. "The user is allergic to peanuts." or "Project X deploys with `make ship`". \
                Write one short, standalone statement that makes sense without this conversation. \
                Pass agent_id with your agent name so other agents can see who stored it. \
                Storing the exact same content again returns the existing memory (deduplicated: true). \
                Never store secrets (passwords, API keys, tokens). Returns the stored memory and its id.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "content": ["type": "string", "minLength": 1, "description": "The fact to remember, in plain language."],
                    "agent_id": agentIDProperty,
                    "run_id": [
                        "type": "string", "minLength": 1, "maxLength": 200,
                        "description": "Optional id of the task or session this memory belongs to, for filtering searches later.",
                    ],
                    "metadata": metadataProperty,
                ],
                "required": ["content"],
                "additionalProperties": false,
            ],
            outputSchema: memoryOutputSchema(extra: [
                "deduplicated": ["type": "boolean", "description": "True when this content was already stored; nothing new was written."]
            ]),
            annotations: .additive,
            requiredScope: Scope.write.rawValue
        ) { arguments, context in
            try await guarded("add_memory") {
                let caller = try makeCaller(context, agentID: arguments["agent_id"]?.stringValue)
                let request = AddRequest(
                    content: arguments["content"]?.stringValue, agentID: caller.provenance.agentID,
                    runID: arguments["run_id"]?.stringValue, metadata: arguments["metadata"]?.objectValue ?? JSONObject())
                let result = try await service.add(request, caller: caller)
                guard let entry = result.entries.first else {
                    return invalid("add_memory", "content is required")
                }
                return memoryResult(
                    entry.memory, extra: ["deduplicated": .bool(entry.deduplicated)], ignoredMetadataKeys: result.ignoredMetadataKeys)
            }
        }
    }

    static func updateMemory(_ service: MemoryService) -> MCPTool {
        MCPTool(
            name: "update_memory",
            title: "Update memory",
            description: """
                Replace the content and/or metadata of an existing memory when a stored fact has \
                changed (prefer this over adding a near-duplicate). Give memory_id and at least one of \
                content (the full new text) or metadata (replaces the whole metadata object). \
                The previous version stays in memory_history. Returns the updated memory.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "memory_id": memoryIDProperty,
                    "content": ["type": "string", "minLength": 1, "description": "The complete new text of the memory."],
                    "metadata": metadataProperty,
                    "agent_id": agentIDProperty,
                ],
                "required": ["memory_id"],
                "additionalProperties": false,
            ],
            outputSchema: memoryOutputSchema(),
            annotations: .destructive,
            requiredScope: Scope.write.rawValue
        ) { arguments, context in
            let id = arguments["memory_id"]?.stringValue ?? ""
            return try await guarded("update_memory", memoryID: id) {
                let content = arguments["content"]?.stringValue
                let metadata = arguments["metadata"]?.objectValue
                guard content != nil || metadata != nil else {
                    return invalid("update_memory", "give content (the new text) and/or metadata to change")
                }
                let caller = try makeCaller(context, agentID: arguments["agent_id"]?.stringValue)
                let (memory, ignored) = try await service.update(id, content: content, metadata: metadata, caller: caller)
                return memoryResult(memory, ignoredMetadataKeys: ignored)
            }
        }
    }

    static func deleteMemory(_ service: MemoryService) -> MCPTool {
        MCPTool(
            name: "delete_memory",
            title: "Delete memory",
            description: """
                Delete one memory that is wrong or no longer true, by memory_id. It disappears from \
                search and list for every agent; its history is kept and an operator can restore it. \
                To correct a fact rather than remove it, use update_memory.
                """,
            inputSchema: [
                "type": "object",
                "properties": ["memory_id": memoryIDProperty, "agent_id": agentIDProperty],
                "required": ["memory_id"],
                "additionalProperties": false,
            ],
            outputSchema: [
                "type": "object",
                "properties": [
                    "deleted": ["type": "boolean"], "memory_id": ["type": "string"], "message": ["type": "string"],
                ],
                "required": ["deleted", "memory_id"],
            ],
            annotations: .destructive,
            requiredScope: Scope.write.rawValue
        ) { arguments, context in
            let id = arguments["memory_id"]?.stringValue ?? ""
            return try await guarded("delete_memory", memoryID: id) {
                let caller = try makeCaller(context, agentID: arguments["agent_id"]?.stringValue)
                let memory = try await service.delete(id, caller: caller)
                return .success([
                    "deleted": true, "memory_id": .string(memory.id), "message": "Memory deleted; its history is kept.",
                ])
            }
        }
    }
}
