/// Why an embedder could not produce vectors.
///
/// A struct around a private enum, so cases can be added without breaking callers' switches;
/// compare with `==` against the static members or switch over `code`. Its description names
/// the failure and at most an HTTP status or dimensions: never input text, response bodies or keys.
public struct EmbedderError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The embedder cannot be reached or is overloaded now; trying later may work.
        public static let unavailable = Code("unavailable")
        /// The embedder rejected the credentials (HTTP 401/403); retrying will not help.
        public static let unauthorized = Code("unauthorized")
        /// The embedder answered something that is not a valid embeddings response.
        public static let badResponse = Code("bad_response")
        /// A vector's length differs from the expected dimension.
        public static let dimensionMismatch = Code("dimension_mismatch")
        /// The embedder's configuration cannot work (for example, a malformed URL).
        public static let invalidConfiguration = Code("invalid_configuration")
    }

    private enum Storage: Hashable, Sendable {
        case unavailable(retryAfter: Duration?)
        case unauthorized(status: Int)
        case badResponse(reason: String)
        case dimensionMismatch(expected: Int, actual: Int)
        case invalidConfiguration(reason: String)
    }

    private let storage: Storage
    private init(_ storage: Storage) { self.storage = storage }

    /// The embedder is down or overloaded; `retryAfter` is the server's hint when it gave one.
    public static func unavailable(retryAfter: Duration? = nil) -> EmbedderError { .init(.unavailable(retryAfter: retryAfter)) }
    /// The server refused the credentials with this HTTP status.
    public static func unauthorized(status: Int) -> EmbedderError { .init(.unauthorized(status: status)) }
    /// The answer was unusable; `reason` is a fixed phrase of ours, never text from the answer.
    public static func badResponse(_ reason: String) -> EmbedderError { .init(.badResponse(reason: reason)) }
    /// A vector had `actual` components where `expected` were required.
    public static func dimensionMismatch(expected: Int, actual: Int) -> EmbedderError {
        .init(.dimensionMismatch(expected: expected, actual: actual))
    }
    /// The configuration cannot work; `reason` must not contain a credential.
    public static func invalidConfiguration(_ reason: String) -> EmbedderError { .init(.invalidConfiguration(reason: reason)) }

    public var code: Code {
        switch storage {
        case .unavailable: .unavailable
        case .unauthorized: .unauthorized
        case .badResponse: .badResponse
        case .dimensionMismatch: .dimensionMismatch
        case .invalidConfiguration: .invalidConfiguration
        }
    }

    /// The server's `Retry-After` hint for an `unavailable` error.
    public var retryAfter: Duration? {
        if case .unavailable(let retryAfter) = storage { return retryAfter }
        return nil
    }

    /// Whether trying again later can succeed.
    public var isTransient: Bool { code == .unavailable }

    public var description: String {
        switch storage {
        case .unavailable(let retryAfter):
            if let retryAfter { return "embedder unavailable (retry after \(retryAfter.components.seconds) s)" }
            return "embedder unavailable"
        case .unauthorized(let status): return "embedder refused the credentials (HTTP \(status))"
        case .badResponse(let reason): return "embedder sent an invalid response: \(reason)"
        case .dimensionMismatch(let expected, let actual):
            return "embedder returned vectors of dimension \(actual), expected \(expected)"
        case .invalidConfiguration(let reason): return "embedder configuration is invalid: \(reason)"
        }
    }
}
