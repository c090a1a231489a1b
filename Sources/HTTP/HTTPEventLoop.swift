import CEventLoop
import Glibc

/// The single thread that owns every socket: it accepts, reads, parses, writes and enforces
/// timeouts with epoll on non-blocking sockets, and hands complete requests to the application
/// as tasks. Nothing here blocks except `epoll_wait`, and none of it runs on Swift's cooperative
/// pool.
///
/// Not `Sendable`: it is created on the loop thread and touched only there. Other threads talk to
/// it through `EventLoopMailbox`.
final class HTTPEventLoop {
    private final class Connection {
        let fd: Int32
        let token: UInt64
        var machine: HTTPConnectionStateMachine
        var interest: UInt32

        init(fd: Int32, token: UInt64, machine: HTTPConnectionStateMachine, interest: UInt32) {
            self.fd = fd
            self.token = token
            self.machine = machine
            self.interest = interest
        }
    }

    private static let listenToken: UInt64 = 0
    private static let wakeToken: UInt64 = 1
    private static let sweepInterval: UInt64 = 100_000_000
    private static let readInterest = CEL_EVENT_READ | CEL_EVENT_READ_HANGUP
    private static let overloadedResponse = HTTPResponseEncoder.encode(
        .error(status: 503, code: "too_many_connections", detail: "the server has too many open connections; retry later"),
        isHead: false, close: true, http10KeepAlive: false, date: nil)

    private let configuration: HTTPServerConfiguration
    private let machineConfiguration: HTTPConnectionStateMachine.Configuration
    private let handler: HTTPServer.Handler
    private let mailbox: EventLoopMailbox
    private let epollFD: Int32
    private let wakeFD: Int32
    private var listenFD: Int32?
    private var connections: [UInt64: Connection] = [:]
    private var nextToken: UInt64 = 2
    private var inFlight = 0
    private var draining = false
    private var drainDeadline: UInt64 = 0
    private var stopped = false
    private var acceptPausedUntil: UInt64?
    private var lastSweep: UInt64 = 0
    private var now = LoopTime(nanoseconds: 0)
    private var dateSecond = -1
    private var readBuffer = [UInt8](repeating: 0, count: 65536)

    init(
        configuration: HTTPServerConfiguration, handler: @escaping HTTPServer.Handler, mailbox: EventLoopMailbox,
        epollFD: Int32, wakeFD: Int32, listenFD: Int32
    ) {
        self.configuration = configuration
        self.machineConfiguration = .init(configuration)
        self.handler = handler
        self.mailbox = mailbox
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        self.listenFD = listenFD
    }

    /// Runs until shutdown; closes every socket it owns before returning.
    func run() {
        _ = cel_epoll_add(epollFD, wakeFD, CEL_EVENT_READ, Self.wakeToken)
        if let listenFD { _ = cel_epoll_add(epollFD, listenFD, CEL_EVENT_READ, Self.listenToken) }
        var events = [cel_event](repeating: cel_event(), count: 256)
        refreshTime()
        lastSweep = now.nanoseconds
        while !stopped {
            let idle = connections.isEmpty && !draining && acceptPausedUntil == nil
            let count = events.withUnsafeMutableBufferPointer {
                cel_epoll_wait(epollFD, $0.baseAddress, Int32($0.count), idle ? -1 : 100)
            }
            refreshTime()
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                switch event.token {
                case Self.listenToken: acceptConnections()
                case Self.wakeToken: readMailbox()
                default: handle(event)
                }
                if stopped { break }
            }
            if now.nanoseconds &- lastSweep >= Self.sweepInterval { sweep() }
            if draining && ((connections.isEmpty && inFlight == 0) || now.nanoseconds >= drainDeadline) {
                stopped = true
            }
        }
        for connection in Array(connections.values) { close(connection) }
        closeListener()
        _ = cel_close(epollFD)
        mailbox.close()
    }

    // MARK: - Events

    private func refreshTime() {
        now.nanoseconds = cel_monotonic_nanoseconds()
        let second = Int(time(nil))
        if second != dateSecond {
            dateSecond = second
            now.httpDate = HTTPResponseEncoder.httpDate(unixSeconds: second)
        }
    }

    private func acceptConnections() {
        guard let listenFD else { return }
        var address = [CChar](repeating: 0, count: 64)
        for _ in 0..<128 {
            let fd = address.withUnsafeMutableBufferPointer { cel_accept(listenFD, $0.baseAddress, $0.count) }
            if fd < 0 {
                if fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS || fd == -ENOMEM {
                    // Out of descriptors: stop polling the listener for a moment instead of spinning.
                    _ = cel_epoll_modify(epollFD, listenFD, 0, Self.listenToken)
                    acceptPausedUntil = now.nanoseconds &+ Self.sweepInterval
                    return
                }
                if fd == -EAGAIN || fd == -EWOULDBLOCK { return }
                continue  // ECONNABORTED and the like concern only that one client
            }
            if connections.count >= configuration.maxConnections {
                Self.overloadedResponse.withUnsafeBytes { _ = cel_write(fd, $0.baseAddress, $0.count) }
                _ = cel_close(fd)
                continue
            }
            let remote = address.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let token = nextToken
            nextToken += 1
            let machine = HTTPConnectionStateMachine(configuration: machineConfiguration, remoteAddress: remote, at: now)
            let connection = Connection(fd: fd, token: token, machine: machine, interest: Self.readInterest)
            guard cel_epoll_add(epollFD, fd, Self.readInterest, token) == 0 else {
                _ = cel_close(fd)
                continue
            }
            connections[token] = connection
        }
    }

    private func readMailbox() {
        _ = cel_eventfd_drain(wakeFD)
        let delivery = mailbox.take()
        for (token, response) in delivery.completions {
            inFlight -= 1
            guard let connection = connections[token] else { continue }
            drive(connection, connection.machine.responded(response, at: now))
        }
        switch delivery.shutdown {
        case nil: break
        case false?: stopped = true
        case true?: beginDraining()
        }
    }

    private func handle(_ event: cel_event) {
        guard let connection = connections[event.token] else { return }
        if event.events & CEL_EVENT_ERROR != 0 {
            close(connection)
            return
        }
        if event.events & (CEL_EVENT_READ | CEL_EVENT_READ_HANGUP | CEL_EVENT_HANGUP) != 0 {
            if connection.machine.wantsRead {
                let count = readBuffer.withUnsafeMutableBytes { cel_read(connection.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    drive(connection, connection.machine.received(readBuffer[0..<count], at: now))
                } else if count == 0 {
                    drive(connection, connection.machine.receivedEOF(at: now))
                } else if count != -EAGAIN {
                    close(connection)
                    return
                }
            } else if event.events & CEL_EVENT_HANGUP != 0 {
                close(connection)  // both directions are gone; nothing can be delivered
                return
            }
        }
        if event.events & CEL_EVENT_WRITE != 0, connections[event.token] != nil {
            drive(connection, .none)
        }
    }

    /// Performs `action` and whatever follows from it: writes pending output until the socket
    /// would block, dispatches pipelined requests, and updates the epoll interest.
    private func drive(_ connection: Connection, _ first: HTTPConnectionStateMachine.Action) {
        var action = first
        while true {
            switch action {
            case .none:
                break
            case .close:
                close(connection)
                return
            case .shutdownWrite:
                _ = cel_shutdown_write(connection.fd)
            case .dispatch(let request):
                dispatch(request, on: connection)
            }
            guard connection.machine.hasPendingOutput else { break }
            let written = connection.machine.pendingOutput.withUnsafeBytes { cel_write(connection.fd, $0.baseAddress, $0.count) }
            if written > 0 {
                action = connection.machine.wrote(written, at: now)
                continue
            }
            if written == -EAGAIN || written == -EWOULDBLOCK { break }
            close(connection)  // EPIPE, ECONNRESET: the client is gone
            return
        }
        let interest =
            (connection.machine.wantsRead ? Self.readInterest : 0)
            | (connection.machine.hasPendingOutput ? CEL_EVENT_WRITE : 0)
        if interest != connection.interest {
            connection.interest = interest
            _ = cel_epoll_modify(epollFD, connection.fd, interest, connection.token)
        }
    }

    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        guard inFlight < configuration.maxInFlight, !draining else {
            let response = HTTPResponse.error(
                status: 503, code: draining ? "shutting_down" : "overloaded",
                detail: draining
                    ? "the server is shutting down; retry against another instance or later"
                    : "the server is handling \(configuration.maxInFlight) requests already; retry after the Retry-After delay",
                headers: ["Retry-After": String(configuration.retryAfterSeconds)])
            _ = connection.machine.responded(response, at: now)
            return
        }
        inFlight += 1
        let token = connection.token
        let handler = handler, mailbox = mailbox
        Task {
            let response = await handler(request)
            mailbox.complete(token: token, response: response)
        }
    }

    // MARK: - Timers and shutdown

    private func sweep() {
        lastSweep = now.nanoseconds
        if let pausedUntil = acceptPausedUntil, now.nanoseconds >= pausedUntil, let listenFD {
            acceptPausedUntil = nil
            _ = cel_epoll_modify(epollFD, listenFD, CEL_EVENT_READ, Self.listenToken)
        }
        let expired = connections.values.filter { connection in
            connection.machine.deadline.map { $0 <= now.nanoseconds } ?? false
        }
        for connection in expired where connections[connection.token] != nil {
            drive(connection, connection.machine.tick(at: now))
        }
    }

    private func beginDraining() {
        guard !draining else { return }
        draining = true
        drainDeadline = now.nanoseconds &+ configuration.shutdownTimeout.nanosecondCount
        closeListener()
        for connection in Array(connections.values) where connections[connection.token] != nil {
            drive(connection, connection.machine.beginShutdown(at: now))
        }
    }

    private func closeListener() {
        guard let listenFD else { return }
        _ = cel_epoll_remove(epollFD, listenFD)
        _ = cel_close(listenFD)
        self.listenFD = nil
    }

    private func close(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.token) != nil else { return }
        _ = cel_epoll_remove(epollFD, connection.fd)
        _ = cel_close(connection.fd)
    }
}
