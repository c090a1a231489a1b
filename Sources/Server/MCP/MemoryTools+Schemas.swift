import JSON

/// JSON Schemas shared by the tools' `inputSchema` and `outputSchema`.
///
/// Output schemas describe exactly what the handlers return, because clients such as the Python
/// SDK validate `structuredContent` against them and reject a result that does not conform.
extension MemoryTools {
    static let nullableString: JSONValue = ["type": ["string", "null"]]

    static let actorSchema: JSONValue = [
        "type": "object",
        "properties": ["agent_id": nullableString, "client_id": nullableString],
    ]

    /// The properties of a memory object (`Memory.json`).
    static let memoryProperties: JSONObject = [
        "id": ["type": "string", "description": "The memory_id to pass to get/update/delete/history."],
        "content": nullableString,
        "user_id": ["type": "string"],
        "agent_id": ["type": ["string", "null"], "description": "The agent that stored the memory."],
        "run_id": nullableString,
        "metadata": ["type": "object"],
        "created_at": ["type": "string", "description": "UTC, RFC 3339."],
        "updated_at": ["type": "string", "description": "UTC, RFC 3339."],
        "created_by": actorSchema,
        "updated_by": actorSchema,
        "version": ["type": "integer"],
        "redacted": ["type": "boolean"],
    ]

    static let memoryRequired: JSONValue = ["id", "content", "user_id", "agent_id", "run_id", "metadata", "created_at", "updated_at", "version"]

    static let memorySchema: JSONValue = ["type": "object", "properties": .object(memoryProperties), "required": memoryRequired]

    /// A memory object plus the notes a write may add.
    static func memoryOutputSchema(extra: JSONObject = [:]) -> JSONValue {
        var properties = memoryProperties
        for (key, value) in extra { properties[key] = value }
        properties["ignored_metadata_keys"] = ["type": "array", "items": ["type": "string"]]
        properties["note"] = ["type": "string"]
        return ["type": "object", "properties": .object(properties), "required": memoryRequired]
    }

    static let memoryIDProperty: JSONValue = [
        "type": "string", "minLength": 1,
        "description": "The id of the memory, as returned by add_memory, search_memories or list_memories.",
    ]

    static let agentIDProperty: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": 200,
        "description": "Your agent name, e.g. \"claude-code\" or \"codex\"; recorded as who made the change.",
    ]

    static let metadataProperty: JSONValue = [
        "type": "object",
        "description": "Free-form key/value details, e.g. {\"source\": \"chat\", \"confidence\": 0.9}. Keys user_id, agent_id and run_id are not allowed here.",
    ]
}
