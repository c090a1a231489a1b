import HTTP

/// The frozen route table: finds the route for a method and path.
public struct Responder: Sendable {
    let routes: [Router.Route]

    /// The outcome of matching a request against the table.
    enum Match {
        case found(Router.Route, [String: String])
        /// The path exists with other methods (405 with `Allow`).
        case methodNotAllowed(pattern: String, allowed: [String])
        case notFound
    }

    func match(method: String, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var allowed: [String] = []
        var allowedPattern = ""
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: parts) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route, parameters)
            }
            allowed.append(route.method)
            allowedPattern = route.pattern
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(pattern: allowedPattern, allowed: allowed)
    }

    /// The parameters when `parts` fit `segments`; parameter values are percent-decoded.
    static func bind(_ segments: [Router.Segment], to parts: ArraySlice<Substring>) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let value = HTTPForm.percentDecode(part) else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    /// Every route's method and pattern, for the OpenAPI document and tests.
    public var table: [(method: String, pattern: String)] { routes.map { ($0.method, $0.pattern) } }
}
