import CEventLoop
import Dispatch
import Foundation
import Synchronization

/// An HTTP/1.1 server on POSIX sockets: one epoll thread owns every connection, and each complete
/// request runs the application's async handler as a task.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 8080)) { request in .text("hello") }
/// let port = try server.start()
/// server.stopOnSignals()          // SIGTERM/SIGINT: graceful shutdown
/// await server.waitUntilStopped() // returns once in-flight requests are answered
/// ```
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    private enum Phase {
        case idle
        case running(mailbox: EventLoopMailbox, port: Int)
        case stopped
    }

    private struct State {
        var phase = Phase.idle
        var waiters: [CheckedContinuation<Void, Never>] = []
        var signalSources: [any DispatchSourceSignal] = []
        var signalCount = 0
    }

    public let configuration: HTTPServerConfiguration
    private let handler: Handler
    private let state = Mutex(State())

    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), handler: @escaping Handler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// Binds, listens and starts the event loop thread.
    /// - Returns: the bound port (the ephemeral one when the configuration says 0).
    /// - Throws: `HTTPServerError` with `.addressInUse` naming host:port when the port is taken.
    @discardableResult
    public func start() throws -> Int {
        try state.withLock { state in
            guard case .idle = state.phase else {
                throw HTTPServerError(.alreadyStarted, description: "the HTTP server was already started")
            }
            cel_ignore_sigpipe()
            let (listenFD, port) = try Self.listen(configuration)
            let epollFD = cel_epoll_create()
            let wakeFD = cel_eventfd_create()
            guard epollFD >= 0, wakeFD >= 0 else {
                for fd in [listenFD, epollFD, wakeFD] where fd >= 0 { _ = cel_close(fd) }
                let code = epollFD < 0 ? -epollFD : -wakeFD
                throw HTTPServerError(
                    .systemCallFailed, errno: code,
                    description: "cannot create the event loop: \(String(cString: strerror(code)))")
            }
            let mailbox = EventLoopMailbox(wakeFD: wakeFD)
            let configuration = configuration, handler = handler
            let thread = Thread { [self] in
                let loop = HTTPEventLoop(
                    configuration: configuration, handler: handler, mailbox: mailbox,
                    epollFD: epollFD, wakeFD: wakeFD, listenFD: listenFD)
                loop.run()
                self.loopDidStop()
            }
            thread.name = "http-event-loop"
            thread.start()
            state.phase = .running(mailbox: mailbox, port: port)
            return port
        }
    }

    /// The bound port while running.
    public var port: Int? {
        state.withLock { state in
            if case .running(_, let port) = state.phase { return port }
            return nil
        }
    }

    /// Starts the server and waits until it has stopped.
    public func run() async throws {
        try start()
        await waitUntilStopped()
    }

    /// Returns once the server has stopped (immediately if it is not running): after a graceful
    /// shutdown every in-flight request has been answered, so the caller can checkpoint and exit.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                guard case .running = state.phase else { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Stops the server. Graceful: stop accepting, close idle connections, answer the requests
    /// already being handled (with `Connection: close`), then stop — or stop anyway after
    /// `shutdownTimeout`. Not graceful: close everything now.
    public func shutdown(graceful: Bool = true) {
        let mailbox: EventLoopMailbox? = state.withLock { state in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return nil
            case .running(let mailbox, _): return mailbox
            case .stopped: return nil
            }
        }
        mailbox?.requestShutdown(graceful: graceful)
    }

    /// Turns SIGTERM and SIGINT into a graceful shutdown; a second signal forces an immediate stop.
    /// Their default action (terminating the process) is disabled for as long as the process runs.
    public func stopOnSignals(_ signals: [Int32] = [SIGTERM, SIGINT]) {
        state.withLock { state in
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in
                    let count = self.state.withLock { state in
                        state.signalCount += 1
                        return state.signalCount
                    }
                    shutdown(graceful: count == 1)
                }
                source.resume()
                state.signalSources.append(source)
            }
        }
    }

    private func loopDidStop() {
        let waiters = state.withLock { state in
            state.phase = .stopped
            for source in state.signalSources { source.cancel() }
            state.signalSources = []
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private static func listen(_ configuration: HTTPServerConfiguration) throws -> (Int32, Int) {
        var host = configuration.host
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let address = host.contains(":") ? "[\(host)]:\(configuration.port)" : "\(host):\(configuration.port)"
        guard (0...65535).contains(configuration.port) else {
            throw HTTPServerError(.bindFailed, address: address, description: "cannot listen on \(address): the port must be 0...65535")
        }
        var port: Int32 = 0
        let fd = cel_listen(host, Int32(configuration.port), 4096, &port)
        if fd >= 0 { return (fd, Int(port)) }
        if fd == CEL_ERROR_RESOLVE {
            throw HTTPServerError(
                .cannotResolveHost, address: address, description: "cannot listen on \(address): the host name does not resolve")
        }
        let code = -fd
        if code == EADDRINUSE {
            throw HTTPServerError(
                .addressInUse, address: address, errno: code,
                description: "cannot listen on \(address): the address is already in use (is another server running on that port?)")
        }
        throw HTTPServerError(
            .bindFailed, address: address, errno: code,
            description: "cannot listen on \(address): \(String(cString: strerror(code)))")
    }
}
