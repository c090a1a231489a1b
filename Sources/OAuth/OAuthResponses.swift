import HTTP
import JSON

/// Response helpers shared by the endpoints.
enum OAuthResponses {
    /// Token and metadata answers are never cached (RFC 6749 §5.1) and may be read by browser
    /// clients such as the MCP Inspector (checklist §4.4).
    static let apiHeaders: HTTPHeaders = [
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "WWW-Authenticate",
    ]

    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        .json(value.serialized(), status: status, headers: apiHeaders)
    }

    /// The answer to a CORS preflight on an OAuth endpoint.
    static let preflight = HTTPResponse(
        status: 204,
        headers: [
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, MCP-Protocol-Version",
            "Access-Control-Max-Age": "600",
        ])

    static let notFound = HTTPResponse.error(
        status: 404, code: "not_found", detail: "no such metadata document", headers: ["Access-Control-Allow-Origin": "*"])

    static func methodNotAllowed(_ allow: String) -> HTTPResponse {
        .error(status: 405, code: "method_not_allowed", detail: "use \(allow)", headers: ["Allow": allow])
    }

    /// A 302 to `location`.
    static func redirect(_ location: String) -> HTTPResponse {
        HTTPResponse(status: 302, headers: ["Location": location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"])
    }

    /// `uri` with `pairs` appended to its query (RFC 6749 §4.1.2), keeping any query it already has.
    static func appendingQuery(_ uri: String, _ pairs: [(String, String)]) -> String {
        let encoded = HTTPForm.encode(pairs)
        return uri + (uri.contains("?") ? "&" : "?") + encoded
    }
}
