import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny OpenAI-compatible `/v1/embeddings` server on a loopback port, for testing the client
/// against the real wire format over a real socket.
///
/// It serves one connection at a time on its own `Thread` with blocking calls (never on the
/// cooperative pool, where blocking would starve the tasks under test), answers
/// `failures` requests with `failureStatus` first, then embeddings whose first component is the
/// input's UTF-8 length and second its position, listed in reverse order to exercise `index`.
public final class FakeEmbeddingServer: Sendable {
    public struct Recorded: Sendable {
        public var path: String
        public var authorization: String?
        public var model: String?
        public var inputs: [String]
    }

    private struct State {
        var failuresLeft: Int
        public var requests: [Recorded] = []
    }

    public let port: UInt16
    private let listener: Int32
    private let dimension: Int
    private let failureStatus: Int
    private let retryAfter: Int?
    private let requiredKey: String?
    private let state: Mutex<State>
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    public init(failures: Int = 0, failureStatus: Int = 503, retryAfter: Int? = nil, dimension: Int = 8, requiredKey: String? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { close(fd); throw POSIXError(.EADDRINUSE) }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        self.dimension = dimension
        self.failureStatus = failureStatus
        self.retryAfter = retryAfter
        self.requiredKey = requiredKey
        state = Mutex(State(failuresLeft: failures))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    public var requests: [Recorded] { state.withLock { $0.requests } }

    /// Stops accepting and waits for the serving thread to finish.
    public func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        while !finished.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
        close(listener)
    }

    private func serve() {
        defer { finished.store(true, ordering: .sequentiallyConsistent) }
        while !stopped.load(ordering: .sequentiallyConsistent) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received = [UInt8]()
        var headerEnd: Int?
        var contentLength = 0
        var sentContinue = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = headerEnd, received.count >= end + contentLength { break }
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            received += buffer[0 ..< count]
            if headerEnd == nil, let range = findHeaderEnd(received) {
                headerEnd = range
                let head = String(decoding: received[0 ..< range], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                if head.contains("expect: 100-continue"), !sentContinue {
                    sentContinue = true
                    write(connection, "HTTP/1.1 100 Continue\r\n\r\n")
                }
            }
        }
        let end = headerEnd!
        let headLines = String(decoding: received[0 ..< end], as: UTF8.self).split(separator: "\r\n")
        let path = headLines.first.map { $0.split(separator: " ").dropFirst().first.map(String.init) ?? "" } ?? ""
        let authorization = headLines.first { $0.lowercased().hasPrefix("authorization:") }
            .map { $0.dropFirst("authorization:".count).trimmingCharacters(in: .whitespaces) }
        let body = Data(received[end ..< end + contentLength])
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let inputs = json?["input"] as? [String] ?? []
        let shouldFail = state.withLock { state in
            state.requests.append(Recorded(path: path, authorization: authorization, model: json?["model"] as? String, inputs: inputs))
            guard state.failuresLeft > 0 else { return false }
            state.failuresLeft -= 1
            return true
        }

        if let requiredKey, authorization != "Bearer \(requiredKey)" {
            respond(connection, status: 401, body: #"{"error":{"message":"Incorrect API key provided"}}"#)
        } else if shouldFail {
            respond(connection, status: failureStatus, body: #"{"error":"overloaded"}"#,
                    extraHeaders: retryAfter.map { "Retry-After: \($0)\r\n" } ?? "")
        } else if path != "/v1/embeddings" || json == nil {
            respond(connection, status: 404, body: "{}")
        } else {
            let data = inputs.enumerated().reversed().map { index, text in
                var vector = [Double](repeating: 0.5, count: dimension)
                vector[0] = Double(text.utf8.count)
                if dimension > 1 { vector[1] = Double(index) }
                return ["object": "embedding", "index": index, "embedding": vector] as [String: Any]
            }
            let answer: [String: Any] = ["object": "list", "model": json?["model"] ?? "", "data": data,
                                         "usage": ["prompt_tokens": 1, "total_tokens": 1]]
            let bytes = (try? JSONSerialization.data(withJSONObject: answer)) ?? Data()
            respond(connection, status: 200, body: String(decoding: bytes, as: UTF8.self))
        }
    }

    private func findHeaderEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0 ... bytes.count - 4 where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    private func respond(_ connection: Int32, status: Int, body: String, extraHeaders: String = "") {
        let reason = [200: "OK", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests", 503: "Service Unavailable"][status] ?? "Error"
        let bodyBytes = Array(body.utf8)
        write(connection, "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(bodyBytes.count)\r\n"
            + "Connection: close\r\n\(extraHeaders)\r\n" + body)
    }

    private func write(_ connection: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            bytes = bytes.dropFirst(sent)
        }
    }
}
