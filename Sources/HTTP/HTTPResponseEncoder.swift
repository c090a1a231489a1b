import Glibc

/// Serialises responses (RFC 9112 §4, §6): the server owns the framing fields, so the
/// application's `Content-Length`, `Transfer-Encoding`, `Connection` and `Date` are replaced, and
/// field names or values that could split the response are dropped or cleaned.
enum HTTPResponseEncoder {
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// - Parameters:
    ///   - isHead: the request was HEAD, so the body is omitted but its length announced.
    ///   - close: the connection closes after this response.
    ///   - http10KeepAlive: an HTTP/1.0 client asked for keep-alive and gets it.
    static func encode(_ response: HTTPResponse, isHead: Bool, close: Bool, http10KeepAlive: Bool, date: String?) -> [UInt8] {
        let status = (100...999).contains(response.status) ? response.status : 500
        var head = "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(for: status))\r\n"
        for (name, value) in response.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { continue }
            if HTTPHeaders.equalNames(name, "content-length") || HTTPHeaders.equalNames(name, "transfer-encoding")
                || HTTPHeaders.equalNames(name, "connection") || HTTPHeaders.equalNames(name, "date")
            {
                continue
            }
            head += name + ": " + clean(value) + "\r\n"
        }
        let bodyAllowed = !HTTPStatus.forbidsBody(status)
        if bodyAllowed { head += "Content-Length: \(response.body.count)\r\n" }
        if let date { head += "Date: \(date)\r\n" }
        if close {
            head += "Connection: close\r\n"
        } else if http10KeepAlive {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if bodyAllowed && !isHead { bytes.append(contentsOf: response.body) }
        return bytes
    }

    /// Replaces CR, LF and NUL with spaces so a value can never end the field early.
    private static func clean(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == .cr || $0 == .lf || $0 == 0 }) else { return value }
        return String(decoding: value.utf8.map { $0 == .cr || $0 == .lf || $0 == 0 ? .space : $0 }, as: UTF8.self)
    }

    /// The IMF-fixdate for `Date` (RFC 9110 §5.6.7) of a Unix time.
    static func httpDate(unixSeconds: Int) -> String {
        var time = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
