import Foundation
import Glibc
import Synchronization
import Testing

/// A blocking TCP client for the live-socket tests.
///
/// Its blocking calls must not run on Swift's cooperative pool (two blocked reads would stall the
/// very handler tasks they wait for), so tests call it only inside `offPool`. `@unchecked
/// Sendable` because a test uses one connection from one `offPool` call at a time, in sequence.
final class TestConnection: @unchecked Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:port with a receive timeout so a broken server fails the test rather
    /// than hanging it. Generous: the handlers run on the cooperative pool, which the rest of a parallel
    /// suite on two cores can keep busy for seconds.
    /// - Parameter receiveBuffer: a small SO_RCVBUF makes the server meet a full socket and
    ///   resume on writability.
    init(port: Int, timeoutSeconds: Int = 30, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: a class whose stored properties are set runs deinit even when init
        // throws, and closing twice could close a descriptor another test has just been given.
        guard result == 0 else { throw Failure(description: "connect: errno \(errno)") }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Closes both directions now, as a client does after a `Connection: close` response.
    func hangUp() {
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += count
        }
    }

    /// Reads one response framed by Content-Length (or none, for 1xx/204/304/HEAD).
    func readResponse(head: Bool = false) throws -> Response {
        let headEnd = try readUntil("\r\n\r\n")
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst()
        guard statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw Failure(description: "bad status line \(statusLine)")
        }
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        var response = Response(status: status, headers: headers, body: [])
        if !head, let length = response.header("Content-Length").flatMap(Int.init) {
            while buffer.count < length { try fill() }
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        }
        return response
    }

    /// True when the server has closed the connection (read returns 0 or a reset).
    func isClosedByServer() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, 0)
        if count > 0 { buffer.append(byte) }
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private func readUntil(_ marker: String) throws -> Int {
        let pattern = Array(marker.utf8)
        var searchFrom = 0
        while true {
            if buffer.count >= pattern.count {
                for start in searchFrom...(buffer.count - pattern.count) where buffer[start..<(start + pattern.count)].elementsEqual(pattern) {
                    return start
                }
                searchFrom = buffer.count - pattern.count + 1
            }
            try fill()
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw Failure(description: count == 0 ? "connection closed by server" : "recv: errno \(errno)") }
        buffer.append(contentsOf: chunk[..<count])
    }
}

/// Runs blocking work on a fresh thread and awaits it, keeping the cooperative pool free.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}

/// A latch the test opens to let waiting handlers finish; handlers report that they started.
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
        var arrivalWaiters: [(Int, CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Called by a handler: records its arrival, then waits until the gate opens.
    func pass() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (resumeNow, arrived) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.arrivals += 1
                let ready = state.arrivalWaiters.filter { $0.0 <= state.arrivals }.map(\.1)
                state.arrivalWaiters.removeAll { $0.0 <= state.arrivals }
                if state.open { return (true, ready) }
                state.waiters.append(continuation)
                return (false, ready)
            }
            for waiter in arrived { waiter.resume() }
            if resumeNow { continuation.resume() }
        }
    }

    /// Waits until `count` handlers have arrived.
    func arrivals(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.arrivals >= count { return true }
                state.arrivalWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Fails the test instead of hanging it when `operation` does not finish in time (a hung
/// operation is left behind rather than awaited).
func within<T: Sendable>(
    seconds: Double, sourceLocation: SourceLocation = #_sourceLocation, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let pending = PendingContinuation<T>()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        pending.set(continuation)
        Task {
            do {
                let value = try await operation()
                pending.take()?.resume(returning: value)
            } catch {
                pending.take()?.resume(throwing: error)
            }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            guard let continuation = pending.take() else { return }
            Issue.record("timed out after \(seconds) seconds", sourceLocation: sourceLocation)
            continuation.resume(throwing: TestConnection.Failure(description: "timeout"))
        }
    }
}

/// A continuation that whichever of two racing tasks comes first resumes.
private final class PendingContinuation<T: Sendable>: Sendable {
    private let slot = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        slot.withLock { $0 = continuation }
    }

    func take() -> CheckedContinuation<T, any Error>? {
        slot.withLock { $0.take() }
    }
}
