/// Frozen settings of an `HTTPServer`: where it listens and the limits that keep hostile or slow
/// clients from exhausting memory, connections or workers.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind; loopback by default, because TLS and exposure are a reverse proxy's job.
    public let host: String
    /// Port to bind; 0 picks an ephemeral port, reported by `HTTPServer.start()`.
    public let port: Int
    /// Limit on the request head (request line plus header fields), and on a chunked body's trailers.
    public let maxHeaderBytes: Int
    /// Limit on the number of header fields (and of trailer fields).
    public let maxHeaderCount: Int
    /// Limit on the decoded request body; beyond it the answer is 413 naming the limit.
    public let maxBodyBytes: Int
    /// Time a client has to send a complete request head, counted from its first byte (or from
    /// the accept for a new connection), so a slow sender cannot hold a connection open.
    public let headerTimeout: Duration
    /// Time a client has to send the whole body once the head is in; also the time a client may
    /// take without reading any of a response before the connection is dropped.
    public let bodyTimeout: Duration
    /// Time a keep-alive connection may stay silent between requests.
    public let idleTimeout: Duration
    /// Requests being handled at once across all connections; beyond it the answer is 503 with
    /// `Retry-After`.
    public let maxInFlight: Int
    /// Open connections; beyond it new connections get a 503 and are closed.
    public let maxConnections: Int
    /// How long a graceful shutdown waits for in-flight requests before closing everything.
    public let shutdownTimeout: Duration
    /// The `Retry-After` value, in seconds, sent with 503.
    public let retryAfterSeconds: Int
    /// Told of every request the server answers itself, before the application sees it (a framing
    /// error, a body over the limit, a head or body too slow); returns the request id the answer
    /// carries, as `X-Request-Id` and `request_id`. Runs on the event loop: keep it quick.
    public var refusals: (@Sendable (HTTPRefusal) -> String)?

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        maxHeaderBytes: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1024 * 1024,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        maxInFlight: Int = 512,
        maxConnections: Int = 10_000,
        shutdownTimeout: Duration = .seconds(30),
        retryAfterSeconds: Int = 1
    ) {
        self.host = host
        self.port = port
        self.maxHeaderBytes = max(256, maxHeaderBytes)
        self.maxHeaderCount = max(1, maxHeaderCount)
        self.maxBodyBytes = max(0, maxBodyBytes)
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxInFlight = max(1, maxInFlight)
        self.maxConnections = max(1, maxConnections)
        self.shutdownTimeout = shutdownTimeout
        self.retryAfterSeconds = max(0, retryAfterSeconds)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating; the event loop counts time in monotonic nanoseconds.
    var nanosecondCount: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max / 2 }
        return whole + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

/// A request the server refused by itself: what the access log and the metrics record of it.
public struct HTTPRefusal: Sendable {
    public let status: Int
    public let code: String
    /// The method, once the request head was read.
    public let method: String?
    public let remoteAddress: String
    /// The client's own `X-Request-Id`, once the head was read.
    public let requestID: String?
}
