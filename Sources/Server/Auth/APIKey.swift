import Ledger

/// A stored API key: everything about it except the key itself, of which only a digest is kept.
public struct APIKey: Sendable, Hashable {
    /// Unique; becomes the `client_id` (and default `agent_id`) on events written with the key.
    public var name: String
    public var userID: String
    public var scopes: Set<Scope>
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public var isRevoked: Bool { revokedAt != nil }

    /// The principal a request authenticated with this key acts as.
    public var principal: Principal {
        Principal(userID: userID, clientID: name, agentName: name, scopes: scopes, kind: .apiKey)
    }

    /// The prefix every key starts with, so people and secret scanners recognise a leaked one.
    public static let prefix = "mlk_"

    /// Scopes as stored and shown: sorted, space-separated.
    static func text(_ scopes: Set<Scope>) -> String {
        scopes.map(\.rawValue).sorted().joined(separator: " ")
    }

    /// Parses `memory.read,memory.write` or `memory.read memory.write`; also `read`, `write`.
    public static func parseScopes(_ text: String) -> Set<Scope>? {
        var scopes: Set<Scope> = []
        for word in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            switch word {
            case "read", "memory.read": scopes.insert(.read)
            case "write", "memory.write": scopes.insert(.write)
            case "admin": scopes.insert(.admin)
            default: return nil
            }
        }
        return scopes.isEmpty ? nil : scopes
    }
}
