/// A point in time as the event loop sees it: monotonic nanoseconds for deadlines, plus the
/// `Date` header text for responses (nil in tests, which then omit the header).
struct LoopTime: Sendable {
    var nanoseconds: UInt64
    var httpDate: String?

    init(nanoseconds: UInt64, httpDate: String? = nil) {
        self.nanoseconds = nanoseconds
        self.httpDate = httpDate
    }
}

/// The lifecycle of one connection, without I/O (after SwiftNIO's state machines): inputs are
/// bytes, end of input, responses, completed writes and clock ticks; outputs are an `Action` plus
/// the bytes waiting in `pendingOutput`, which the caller writes and reports with `wrote(_:at:)`.
///
/// Requests on a connection are answered strictly in order: the next pipelined request is parsed
/// only once the previous response has been written.
struct HTTPConnectionStateMachine {
    struct Configuration: Sendable {
        var limits: HTTPRequestParser.Limits
        var headerTimeout: UInt64
        var bodyTimeout: UInt64
        var idleTimeout: UInt64
        /// How long to keep reading (and discarding) after a closing response, so the client
        /// receives it instead of a reset caused by its unread request bytes.
        var lingerTimeout: UInt64 = 2_000_000_000
        var refusals: (@Sendable (HTTPRefusal) -> String)?

        init(_ configuration: HTTPServerConfiguration) {
            refusals = configuration.refusals
            limits = .init(
                maxHeaderBytes: configuration.maxHeaderBytes, maxHeaderCount: configuration.maxHeaderCount,
                maxBodyBytes: configuration.maxBodyBytes)
            headerTimeout = configuration.headerTimeout.nanosecondCount
            bodyTimeout = configuration.bodyTimeout.nanosecondCount
            idleTimeout = configuration.idleTimeout.nanosecondCount
        }
    }

    enum Action {
        case none
        /// Hand the request to the application and call `responded(_:at:)` with its answer.
        case dispatch(HTTPRequest)
        /// All output is written; half-close the socket and keep reading until EOF or the deadline.
        case shutdownWrite
        /// Close the socket now.
        case close
    }

    enum Phase: Equatable {
        /// Between requests; `fresh` for a connection that has not sent anything yet.
        case waiting(fresh: Bool)
        case readingHead
        case readingBody
        case awaitingResponse
        /// Writing a response; afterwards the connection stays open only if `keepAlive`.
        case writingResponse(keepAlive: Bool)
        case lingering
        case closed
    }

    let configuration: Configuration
    let remoteAddress: String
    private(set) var phase: Phase = .waiting(fresh: true)
    /// When the current phase times out; nil while the application is working.
    private(set) var deadline: UInt64?
    private var parser: HTTPRequestParser
    private var head: HTTPRequestHead?
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var peerClosed = false
    private var draining = false

    init(configuration: Configuration, remoteAddress: String, at now: LoopTime) {
        self.configuration = configuration
        self.remoteAddress = remoteAddress
        parser = HTTPRequestParser(limits: configuration.limits)
        deadline = now.nanoseconds &+ configuration.headerTimeout
    }

    /// Bytes still to be written to the socket.
    var pendingOutput: ArraySlice<UInt8> { output[outputOffset...] }
    var hasPendingOutput: Bool { outputOffset < output.count }

    /// Whether the socket should be polled for reading. Reading pauses while a response is awaited
    /// and enough pipelined bytes are already buffered, which bounds memory per connection.
    var wantsRead: Bool {
        switch phase {
        case .closed: return false
        case .awaitingResponse, .writingResponse(keepAlive: true):
            return !peerClosed && parser.bufferedByteCount < configuration.limits.maxHeaderBytes
        default: return !peerClosed
        }
    }

    /// Whether the server is waiting on the application for this connection.
    var isAwaitingResponse: Bool { phase == .awaitingResponse }

    // MARK: - Inputs

    mutating func received<C: Collection>(_ bytes: C, at now: LoopTime) -> Action where C.Element == UInt8 {
        switch phase {
        case .closed:
            return .none
        case .lingering, .writingResponse(keepAlive: false):
            return .none  // discarded: the connection is closing
        case .awaitingResponse, .writingResponse(keepAlive: true):
            parser.append(bytes)
            return .none
        case .waiting(let fresh):
            parser.append(bytes)
            guard parser.isMidRequest else { return .none }
            phase = .readingHead
            if !fresh { deadline = now.nanoseconds &+ configuration.headerTimeout }
            return advance(at: now)
        case .readingHead, .readingBody:
            parser.append(bytes)
            return advance(at: now)
        }
    }

    /// The peer closed its sending side (read returned 0).
    mutating func receivedEOF(at now: LoopTime) -> Action {
        peerClosed = true
        switch phase {
        case .awaitingResponse, .writingResponse:
            return .none  // answer what was asked, then close
        default:
            phase = .closed
            return .close
        }
    }

    /// The application's answer to the dispatched request (or the server's own, such as a 503).
    mutating func responded(_ response: HTTPResponse, at now: LoopTime) -> Action {
        guard phase == .awaitingResponse, let head else { return .none }
        self.head = nil
        let keepAlive = head.keepAlive && !draining && !peerClosed
            && !response.headers.containsToken("close", in: "connection")
        output(HTTPResponseEncoder.encode(
            response, isHead: head.isHead, close: !keepAlive,
            http10KeepAlive: keepAlive && head.version == .http1_0, date: now.httpDate))
        phase = .writingResponse(keepAlive: keepAlive)
        deadline = now.nanoseconds &+ configuration.bodyTimeout
        return .none
    }

    /// `count` bytes of `pendingOutput` were written.
    mutating func wrote(_ count: Int, at now: LoopTime) -> Action {
        outputOffset += count
        if outputOffset < output.count {
            if case .writingResponse = phase { deadline = now.nanoseconds &+ configuration.bodyTimeout }
            return .none
        }
        output.removeAll(keepingCapacity: output.capacity <= 65536)
        outputOffset = 0
        switch phase {
        case .writingResponse(keepAlive: true):
            phase = .waiting(fresh: false)
            deadline = now.nanoseconds &+ configuration.idleTimeout
            guard parser.isMidRequest else {
                if peerClosed {
                    phase = .closed
                    return .close
                }
                return .none
            }
            phase = .readingHead
            deadline = now.nanoseconds &+ configuration.headerTimeout
            return advance(at: now)
        case .writingResponse(keepAlive: false):
            if peerClosed {
                phase = .closed
                return .close
            }
            phase = .lingering
            deadline = now.nanoseconds &+ configuration.lingerTimeout
            return .shutdownWrite
        default:
            return .none
        }
    }

    /// Checks the deadline of the current phase.
    mutating func tick(at now: LoopTime) -> Action {
        guard let deadline, now.nanoseconds >= deadline else { return .none }
        switch phase {
        case .waiting, .writingResponse, .lingering:
            phase = .closed
            return .close
        case .readingHead:
            return refuse(HTTPParseError(
                status: 408, code: "request_timeout",
                detail: "the request head did not arrive within \(seconds(configuration.headerTimeout)) seconds"), at: now)
        case .readingBody:
            return refuse(HTTPParseError(
                status: 408, code: "request_timeout",
                detail: "the request body did not arrive within \(seconds(configuration.bodyTimeout)) seconds"), at: now)
        case .awaitingResponse, .closed:
            return .none
        }
    }

    /// The server stops: idle and half-received connections close now; a request being handled
    /// is answered with `Connection: close`.
    mutating func beginShutdown(at now: LoopTime) -> Action {
        draining = true
        switch phase {
        case .waiting, .readingHead, .readingBody, .lingering:
            phase = .closed
            return .close
        case .writingResponse(keepAlive: true):
            // The response already on its way says keep-alive; the client will see the close and retry.
            phase = .writingResponse(keepAlive: false)
            return .none
        case .awaitingResponse, .writingResponse(keepAlive: false), .closed:
            return .none
        }
    }

    // MARK: - Parsing

    private mutating func advance(at now: LoopTime) -> Action {
        while true {
            switch parser.next() {
            case .needMoreData:
                return .none
            case .head(let head):
                self.head = head
                phase = .readingBody
                deadline = now.nanoseconds &+ configuration.bodyTimeout
                if head.expectsContinue && parser.bufferedByteCount == 0 {
                    output(HTTPResponseEncoder.continueResponse)
                }
            case .body(let body):
                guard let head else { return .none }
                phase = .awaitingResponse
                deadline = nil
                return .dispatch(HTTPRequest(
                    method: head.method, target: head.target, headers: head.headers, body: body,
                    remoteAddress: remoteAddress, httpVersion: head.version))
            case .failure(let error):
                return refuse(error, at: now)
            }
        }
    }

    /// Answers with the server's own error and closes: after a framing error the rest of the
    /// stream cannot be trusted.
    private mutating func refuse(_ error: HTTPParseError, at now: LoopTime) -> Action {
        var response = error.response
        if let refusals = configuration.refusals {
            let id = refusals(HTTPRefusal(
                status: error.status, code: error.code, method: head?.method ?? error.method, remoteAddress: remoteAddress,
                requestID: head?.headers["X-Request-Id"] ?? error.requestID))
            response = .error(status: error.status, code: error.code, detail: error.detail, requestID: id)
            response.headers.set("X-Request-Id", id)
        }
        head = nil
        output(HTTPResponseEncoder.encode(response, isHead: false, close: true, http10KeepAlive: false, date: now.httpDate))
        phase = .writingResponse(keepAlive: false)
        deadline = now.nanoseconds &+ configuration.bodyTimeout
        return .none
    }

    private mutating func output(_ bytes: [UInt8]) {
        output.append(contentsOf: bytes)
    }

    private func seconds(_ nanoseconds: UInt64) -> String {
        let tenths = nanoseconds / 100_000_000
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
