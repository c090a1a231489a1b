/// The `error` attribute of a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3.1).
public enum BearerChallengeError: String, Sendable {
    case invalidToken = "invalid_token"
    case insufficientScope = "insufficient_scope"
    case invalidRequest = "invalid_request"
}
