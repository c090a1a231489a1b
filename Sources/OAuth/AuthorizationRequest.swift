/// An authorization request that passed every check of `/authorize`, waiting for consent or
/// bound into a code.
struct AuthorizationRequest: Sendable, Equatable {
    var clientID: String
    var redirectURI: String
    var codeChallenge: String
    var resource: String
    var scope: String
    var state: String?
    var expiresAt: Int64
}
