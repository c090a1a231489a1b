/// A request the server refuses before it reaches the application: the status, a stable code and
/// a sentence a person can act on. Never contains header values or body bytes.
struct HTTPParseError: Error, Equatable, Sendable {
    let status: Int
    let code: String
    let detail: String
    /// The request's method and its `X-Request-Id`, when the error was found after the head was read
    /// (a body over the limit, a bad framing header), for the access log.
    var method: String? = nil
    var requestID: String? = nil

    static func badRequest(_ detail: String) -> HTTPParseError {
        HTTPParseError(status: 400, code: "bad_request", detail: detail)
    }

    static func headersTooLarge(_ detail: String) -> HTTPParseError {
        HTTPParseError(status: 431, code: "header_fields_too_large", detail: detail)
    }

    static func bodyTooLarge(limit: Int) -> HTTPParseError {
        HTTPParseError(
            status: 413, code: "content_too_large",
            detail: "request body exceeds the limit of \(limit) bytes")
    }

    var response: HTTPResponse {
        .error(status: status, code: code, detail: detail)
    }
}
