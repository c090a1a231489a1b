import JSON

/// The `serverInfo` of an `initialize` result (checklist §2.2).
public struct MCPServerInfo: Sendable, Hashable {
    public var name: String
    public var version: String
    public var title: String?
    /// Sent from 2025-11-25.
    public var description: String?
    /// Sent from 2025-11-25.
    public var websiteURL: String?

    public init(name: String = "memledger", version: String, title: String? = "memledger shared memory",
                description: String? = nil, websiteURL: String? = nil) {
        self.name = name
        self.version = version
        self.title = title
        self.description = description
        self.websiteURL = websiteURL
    }

    func jsonValue(for version: String) -> JSONValue {
        var object: JSONObject = ["name": .string(name), "version": .string(self.version)]
        if version >= "2025-06-18", let title { object["title"] = .string(title) }
        if version >= "2025-11-25" {
            if let description { object["description"] = .string(description) }
            if let websiteURL { object["websiteUrl"] = .string(websiteURL) }
        }
        return .object(object)
    }
}
