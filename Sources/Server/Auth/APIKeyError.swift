/// Why a key could not be created or revoked. Never contains a key.
public struct APIKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Base: String, Equatable, Sendable {
        case nameTaken, notFound, alreadyRevoked, invalidName
    }

    private let base: Base
    public let description: String

    private init(_ base: Base, _ description: String) {
        self.base = base
        self.description = description
    }

    public static func nameTaken(_ name: String) -> APIKeyError {
        APIKeyError(.nameTaken, "a key named '\(name)' already exists (names stay taken after revocation)")
    }
    public static func notFound(_ name: String) -> APIKeyError { APIKeyError(.notFound, "no key named '\(name)'") }
    public static func alreadyRevoked(_ name: String) -> APIKeyError { APIKeyError(.alreadyRevoked, "the key '\(name)' is already revoked") }
    public static func invalidName(_ reason: String) -> APIKeyError { APIKeyError(.invalidName, reason) }

    public static func == (a: APIKeyError, b: APIKeyError) -> Bool { a.base == b.base }
    public var isNameTaken: Bool { base == .nameTaken }
    public var isNotFound: Bool { base == .notFound }
}
