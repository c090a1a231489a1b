import HTTP
import JSON

/// An error answer of the token, registration or revocation endpoint (RFC 6749 §5.2, RFC 7591
/// §3.2.2): a status, a stable `error` code and a description that never contains a secret.
struct OAuthError: Error, Equatable {
    let status: Int
    let code: String
    let description: String
    /// Set when the client authenticated with HTTP Basic: a 401 must then name the scheme (RFC 6749 §5.2).
    var basicChallenge = false

    static func invalidRequest(_ text: String) -> OAuthError { OAuthError(status: 400, code: "invalid_request", description: text) }
    static func invalidClient(_ text: String, basic: Bool = false) -> OAuthError {
        OAuthError(status: 401, code: "invalid_client", description: text, basicChallenge: basic)
    }
    static func invalidGrant(_ text: String) -> OAuthError { OAuthError(status: 400, code: "invalid_grant", description: text) }
    static func unauthorizedClient(_ text: String) -> OAuthError {
        OAuthError(status: 400, code: "unauthorized_client", description: text)
    }
    static func unsupportedGrantType(_ text: String) -> OAuthError {
        OAuthError(status: 400, code: "unsupported_grant_type", description: text)
    }
    static func invalidScope(_ text: String) -> OAuthError { OAuthError(status: 400, code: "invalid_scope", description: text) }
    static func invalidTarget(_ text: String) -> OAuthError { OAuthError(status: 400, code: "invalid_target", description: text) }
    static func invalidRedirectURI(_ text: String) -> OAuthError {
        OAuthError(status: 400, code: "invalid_redirect_uri", description: text)
    }
    static func invalidClientMetadata(_ text: String) -> OAuthError {
        OAuthError(status: 400, code: "invalid_client_metadata", description: text)
    }
    static func rateLimited(_ text: String) -> OAuthError { OAuthError(status: 429, code: "rate_limited", description: text) }
    static let serverError = OAuthError(status: 500, code: "server_error", description: "the authorization server failed; try again")

    var response: HTTPResponse {
        var headers = OAuthResponses.apiHeaders
        if basicChallenge { headers.set("WWW-Authenticate", "Basic realm=\"memledger\"") }
        if status == 429 { headers.set("Retry-After", "60") }
        let body: JSONValue = ["error": .string(code), "error_description": .string(description)]
        return .json(body.serialized(), status: status, headers: headers)
    }
}
