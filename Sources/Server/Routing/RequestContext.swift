import HTTP

/// What a route handler gets: the request, its id, the path parameters and who is calling.
public struct RequestContext: Sendable {
    public let request: HTTPRequest
    /// Echoed as `X-Request-Id`, written on events and in the access log.
    public let requestID: String
    /// The route pattern that matched (`/api/v1/memories/{id}`), for metrics and logs.
    public let route: String
    /// Values of the `{name}` segments of the pattern.
    public let parameters: [String: String]
    /// The authenticated caller; nil only on routes that need no credential.
    public let principal: Principal?
    /// The client's address (the first `X-Forwarded-For` hop when that is trusted).
    public let clientAddress: String

    public init(
        request: HTTPRequest, requestID: String, route: String, parameters: [String: String], principal: Principal?,
        clientAddress: String
    ) {
        self.request = request
        self.requestID = requestID
        self.route = route
        self.parameters = parameters
        self.principal = principal
        self.clientAddress = clientAddress
    }

    /// The caller, on routes that require one (the responder guarantees it).
    public var caller: Principal {
        guard let principal else { preconditionFailure("route \(route) requires authentication but has no principal") }
        return principal
    }

    public func parameter(_ name: String) -> String { parameters[name] ?? "" }
}
