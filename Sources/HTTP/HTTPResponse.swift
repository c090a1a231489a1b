/// A response from the application. The server adds `Content-Length`, `Date` and `Connection`
/// itself, so any of those set here are replaced.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.setting("Content-Type", "text/plain; charset=utf-8"), body: Array(text.utf8))
    }

    /// An `application/json` response from already encoded bytes.
    public static func json(_ bytes: [UInt8], status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.setting("Content-Type", "application/json"), body: bytes)
    }

    /// A `text/html; charset=utf-8` response.
    public static func html(_ html: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.setting("Content-Type", "text/html; charset=utf-8"), body: Array(html.utf8))
    }

    /// The server's own error shape, `{"error": code, "detail": text}`, used for 400/408/413/431/503.
    public static func error(
        status: Int, code: String, detail: String, requestID: String? = nil, headers: HTTPHeaders = HTTPHeaders()
    ) -> HTTPResponse {
        let id = requestID.map { ",\"request_id\":\(jsonString($0))" } ?? ""
        let body = "{\"error\":\(jsonString(code)),\"detail\":\(jsonString(detail))\(id)}"
        return .json(Array(body.utf8), status: status, headers: headers)
    }

    /// Encodes `text` as a JSON string literal (RFC 8259 §7); the HTTP module has no JSON dependency.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
