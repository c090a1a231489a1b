/// A configuration the server refuses to start with.
public struct OAuthConfigurationError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
