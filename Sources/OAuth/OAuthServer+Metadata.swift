import HTTP
import JSON

extension OAuthServer {
    /// RFC 9728 protected resource metadata: `resource` is exactly `<base>/mcp` (VS Code demands an
    /// exact match, checklist §3a).
    var protectedResourceMetadata: JSONValue {
        [
            "resource": .string(resource),
            "authorization_servers": [.string(issuer)],
            "scopes_supported": .array(OAuthScopes.supported.map(JSONValue.string)),
            "bearer_methods_supported": ["header"],
            "resource_name": "memledger",
        ]
    }

    /// RFC 8414 authorization server metadata. No `authorization_response_iss_parameter_supported`
    /// (Codex mishandles it, checklist §3b) and no CIMD.
    var authorizationServerMetadata: JSONValue {
        [
            "issuer": .string(issuer),
            "authorization_endpoint": .string(issuer + "/authorize"),
            "token_endpoint": .string(issuer + "/token"),
            "registration_endpoint": .string(issuer + "/register"),
            "revocation_endpoint": .string(issuer + "/revoke"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
            "revocation_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
            "scopes_supported": .array(OAuthScopes.supported.map(JSONValue.string)),
        ]
    }

    /// The well-known documents at the root and at the path variants clients probe (checklist
    /// §3b: Codex tries `/.well-known/oauth-authorization-server/mcp` and
    /// `/mcp/.well-known/oauth-authorization-server`). Every other well-known path, OpenID
    /// configuration included, is a clean 404 so clients fall back (checklist §4.3).
    func metadata(for request: HTTPRequest) -> HTTPResponse? {
        let document: JSONValue?
        switch request.path {
        case "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp",
            "/.well-known/oauth-protected-resource/mcp/":
            document = protectedResourceMetadata
        case "/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/mcp",
            "/mcp/.well-known/oauth-authorization-server":
            document = authorizationServerMetadata
        default:
            guard request.path.contains("oauth") || request.path.contains("openid") else { return nil }
            document = nil
        }
        switch request.method {
        case "OPTIONS": return OAuthResponses.preflight
        case "GET", "HEAD": break
        default: return OAuthResponses.methodNotAllowed("GET")
        }
        guard let document else { return OAuthResponses.notFound }
        var headers = OAuthResponses.apiHeaders
        headers.set("Cache-Control", "public, max-age=300")
        headers.remove("Pragma")
        return .json(document.serialized(), headers: headers)
    }
}
