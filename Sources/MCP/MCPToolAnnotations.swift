import JSON

/// Behaviour hints for clients (checklist §2.11); clients treat them as untrusted.
public struct MCPToolAnnotations: Sendable, Hashable {
    public var readOnly: Bool
    public var destructive: Bool
    public var idempotent: Bool
    /// A memory store is a closed world: the tool touches nothing outside this server.
    public var openWorld: Bool

    public init(readOnly: Bool, destructive: Bool, idempotent: Bool, openWorld: Bool = false) {
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
        self.openWorld = openWorld
    }

    /// Reads only: search, list, get, history.
    public static let readOnly = MCPToolAnnotations(readOnly: true, destructive: false, idempotent: true)
    /// Adds without overwriting.
    public static let additive = MCPToolAnnotations(readOnly: false, destructive: false, idempotent: false)
    /// Overwrites or removes.
    public static let destructive = MCPToolAnnotations(readOnly: false, destructive: true, idempotent: true)

    func jsonValue(title: String?) -> JSONValue {
        var object = JSONObject()
        if let title { object["title"] = .string(title) }
        object["readOnlyHint"] = .bool(readOnly)
        object["destructiveHint"] = .bool(destructive)
        object["idempotentHint"] = .bool(idempotent)
        object["openWorldHint"] = .bool(openWorld)
        return .object(object)
    }
}
