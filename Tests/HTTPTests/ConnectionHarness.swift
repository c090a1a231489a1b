@testable import HTTP

/// Drives an `HTTPConnectionStateMachine` with a fake clock and collects what it would write,
/// so lifecycle and timeout tests run without sockets or sleeps.
struct ConnectionHarness {
    var machine: HTTPConnectionStateMachine
    var clock: UInt64 = 1_000_000_000
    var written: [UInt8] = []
    var dispatched: [HTTPRequest] = []
    var closed = false
    var halfClosed = false

    init(
        maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1024 * 1024,
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(60)
    ) {
        let configuration = HTTPServerConfiguration(
            maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes,
            headerTimeout: headerTimeout, bodyTimeout: bodyTimeout, idleTimeout: idleTimeout)
        machine = HTTPConnectionStateMachine(
            configuration: .init(configuration), remoteAddress: "192.0.2.7", at: LoopTime(nanoseconds: clock))
    }

    var now: LoopTime { LoopTime(nanoseconds: clock) }

    /// Everything written so far, as text.
    var output: String { String(decoding: written, as: UTF8.self) }

    mutating func send(_ text: String) {
        send(Array(text.utf8))
    }

    mutating func send(_ bytes: [UInt8]) {
        perform(machine.received(bytes, at: now))
    }

    mutating func respond(_ response: HTTPResponse) {
        perform(machine.responded(response, at: now))
    }

    mutating func peerCloses() {
        perform(machine.receivedEOF(at: now))
    }

    mutating func advance(seconds: Double) {
        clock += UInt64(seconds * 1e9)
        perform(machine.tick(at: now))
    }

    mutating func shutdown() {
        perform(machine.beginShutdown(at: now))
    }

    /// Performs an action as the event loop would, writing all output at once.
    mutating func perform(_ first: HTTPConnectionStateMachine.Action) {
        var action = first
        while true {
            switch action {
            case .none: break
            case .dispatch(let request): dispatched.append(request)
            case .shutdownWrite: halfClosed = true
            case .close:
                closed = true
                return
            }
            guard machine.hasPendingOutput else { return }
            let pending = Array(machine.pendingOutput)
            written.append(contentsOf: pending)
            action = machine.wrote(pending.count, at: now)
        }
    }

    /// Status codes of the responses written so far, in order (1xx included).
    var statuses: [Int] {
        output.split(separator: "HTTP/1.1 ").compactMap { Int($0.prefix(3)) }
    }
}
