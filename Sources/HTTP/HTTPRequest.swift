/// A complete request as handed to the application: head and the whole body, already de-chunked.
public struct HTTPRequest: Sendable {
    /// The method token, uppercased (`GET`, `POST`, …).
    public var method: String
    /// The request target in origin form (`/path?query`) as received, or `*` for OPTIONS; an
    /// absolute-form target (`http://host/path`) is reduced to its path and query.
    public var target: String
    /// The path part of the target, without the query and without percent-decoding, so that an
    /// encoded `/` (`%2F`) in a segment stays distinguishable from a separator.
    public var path: String
    /// The query string after `?`, undecoded, or empty.
    public var rawQuery: String
    /// The query decoded as `application/x-www-form-urlencoded` pairs, in order.
    public var query: [(String, String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer's numeric IP address (no port), for rate limiting and logs.
    public var remoteAddress: String
    public var httpVersion: HTTPVersion

    public init(
        method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        remoteAddress: String = "127.0.0.1", httpVersion: HTTPVersion = .http1_1
    ) {
        self.method = method
        self.target = target
        let (path, rawQuery) = Self.split(target: target)
        self.path = path
        self.rawQuery = rawQuery
        self.query = HTTPForm.parse(Array(rawQuery.utf8))
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.httpVersion = httpVersion
    }

    /// The first query value named `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.0 == name }?.1
    }

    static func split(target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}
