/// Why an `HTTPServer` could not start. A struct around a private enum, so cases can be added
/// without breaking callers that compare codes.
public struct HTTPServerError: Error, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case addressInUse = "address_in_use"
            case cannotResolveHost = "cannot_resolve_host"
            case bindFailed = "bind_failed"
            case alreadyStarted = "already_started"
            case systemCallFailed = "system_call_failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Another socket already listens on host:port (EADDRINUSE).
        public static let addressInUse = Code(.addressInUse)
        public static let cannotResolveHost = Code(.cannotResolveHost)
        /// Binding failed for another reason (permission, address not on this machine, …).
        public static let bindFailed = Code(.bindFailed)
        public static let alreadyStarted = Code(.alreadyStarted)
        /// epoll or eventfd could not be created.
        public static let systemCallFailed = Code(.systemCallFailed)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// `host:port` the server tried to bind, when relevant.
    public let address: String?
    /// The errno behind the failure, when there is one.
    public let errno: Int32?
    public let description: String

    init(_ code: Code, address: String? = nil, errno: Int32? = nil, description: String) {
        self.code = code
        self.address = address
        self.errno = errno
        self.description = description
    }
}
