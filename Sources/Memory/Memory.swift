import JSON
import Ledger

/// Who made or last changed a memory.
public struct Actor: Sendable, Hashable, Codable {
    public var agentID: String?
    public var clientID: String?

    enum CodingKeys: String, CodingKey {
        case agentID = "agent_id"
        case clientID = "client_id"
    }
}

/// A live memory as the read model holds it.
public struct Memory: Sendable, Hashable, Codable {
    public var id: String
    /// The content in NFC; nil only in a point-in-time store, for content erased by a redaction.
    public var content: String?
    public var userID: String
    public var agentID: String?
    public var runID: String?
    public var metadata: JSONObject
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var createdBy: Actor
    public var updatedBy: Actor
    public var version: Int64
    public var redacted: Bool

    enum CodingKeys: String, CodingKey {
        case id, content, metadata, version, redacted
        case userID = "user_id"
        case agentID = "agent_id"
        case runID = "run_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case createdBy = "created_by"
        case updatedBy = "updated_by"
    }

    /// The memory as a JSON object, in the shape every front answers with.
    public var json: JSONValue {
        var o = JSONObject()
        o["id"] = .string(id)
        o["content"] = content.map(JSONValue.string) ?? .null
        o["user_id"] = .string(userID)
        o["agent_id"] = agentID.map(JSONValue.string) ?? .null
        o["run_id"] = runID.map(JSONValue.string) ?? .null
        o["metadata"] = .object(metadata)
        o["created_at"] = .string(createdAt.rfc3339)
        o["updated_at"] = .string(updatedAt.rfc3339)
        o["created_by"] = Self.json(createdBy)
        o["updated_by"] = Self.json(updatedBy)
        o["version"] = .int(version)
        if redacted { o["redacted"] = .bool(true) }
        return .object(o)
    }

    static func json(_ actor: Actor) -> JSONValue {
        ["agent_id": actor.agentID.map(JSONValue.string) ?? .null, "client_id": actor.clientID.map(JSONValue.string) ?? .null]
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}
