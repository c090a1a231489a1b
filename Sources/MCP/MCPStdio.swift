import Dispatch
import Foundation
import JSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stdio transport: newline-delimited JSON-RPC on a pair of file descriptors.
///
/// Reads block, so they run on a dedicated thread, never on Swift's cooperative pool (whose few
/// threads a blocked read would starve); writes go through a serial dispatch queue for the same
/// reason. Messages are handled one at a time, in order. Only JSON-RPC goes to `output`; the
/// `log` callback (stderr by default) gets diagnostics, which never include message content.
public struct MCPStdio: Sendable {
    public let server: MCPServer
    /// Principal, scopes and agent name for every message; transport, request id and protocol
    /// version are filled in per message.
    public let baseContext: MCPCallContext
    public let input: Int32
    public let output: Int32
    public let log: @Sendable (String) -> Void
    /// Lines longer than this are discarded with a parse error, so a runaway writer cannot
    /// exhaust memory.
    public let maxLineLength: Int

    public init(server: MCPServer, baseContext: MCPCallContext, input: Int32 = 0, output: Int32 = 1,
                maxLineLength: Int = 16 << 20,
                log: @escaping @Sendable (String) -> Void = MCPStdio.logToStandardError) {
        self.server = server
        self.maxLineLength = maxLineLength
        var context = baseContext
        context.transport = "stdio"
        self.baseContext = context
        self.input = input
        self.output = output
        self.log = log
    }

    /// Writes one line to standard error.
    public static let logToStandardError: @Sendable (String) -> Void = { line in
        let bytes = Array((line + "\n").utf8)
        _ = MCPStdio.writeAll(2, bytes)
    }

    enum Line: Sendable {
        case message([UInt8])
        case tooLong
    }

    /// Serves until `input` reaches end of file, then returns once every answer is written.
    public func run() async {
        let lines = startReader()
        let writer = DispatchQueue(label: "memledger.mcp.stdio.writer")
        let output = self.output
        var version = MCPProtocolVersion.assumedWithoutHeader
        var counter = 0
        for await line in lines {
            counter += 1
            let answer: [UInt8]?
            switch line {
            case .tooLong:
                log("stdio: discarded a line longer than \(maxLineLength) bytes")
                answer = JSONRPCError.parseError("message too long").response(id: nil).serialized(sortedKeys: false)
            case .message(let bytes):
                let message: JSONValue
                do {
                    message = try JSONValue.parse(bytes)
                } catch {
                    log("stdio: \(error.message)")
                    answer = JSONRPCError.parseError(error.message).response(id: nil).serialized(sortedKeys: false)
                    break
                }
                var context = baseContext
                context.requestID = "stdio-\(counter)"
                context.protocolVersion = version
                answer = await server.respond(to: message, context: context).messageBytes
                // stdio is stateful: the negotiated revision governs the rest of the stream.
                if message["method"] == "initialize", message["id"] != nil {
                    version = MCPProtocolVersion.negotiate(message["params"]?["protocolVersion"]?.stringValue)
                }
            }
            if var answer {
                answer.append(UInt8(ascii: "\n"))
                let bytes = answer
                writer.async {
                    _ = MCPStdio.writeAll(output, bytes)
                }
            }
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writer.async { done.resume() }
        }
    }

    /// Starts the reading thread and returns the lines it produces.
    private func startReader() -> AsyncStream<Line> {
        let (stream, continuation) = AsyncStream<Line>.makeStream()
        let input = self.input
        let log = self.log
        let limit = maxLineLength
        let thread = Thread {
            MCPStdio.readLines(from: input, maxLineLength: limit, log: log) { continuation.yield($0) }
            continuation.finish()
        }
        thread.name = "memledger-stdio-reader"
        thread.start()
        return stream
    }

    /// Blocking read loop: splits on `\n`, drops a trailing `\r` and empty lines.
    static func readLines(from fd: Int32, maxLineLength: Int, log: @Sendable (String) -> Void, emit: (Line) -> Void) {
        var pending: [UInt8] = []
        var discarding = false
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                log("stdio: read failed (errno \(errno))")
                break
            }
            if count == 0 { break }
            var start = 0
            for i in 0..<count where chunk[i] == UInt8(ascii: "\n") {
                if discarding {
                    discarding = false
                } else {
                    pending.append(contentsOf: chunk[start..<i])
                    if pending.count > maxLineLength { emit(.tooLong) } else { emitLine(&pending, emit) }
                }
                pending.removeAll(keepingCapacity: true)
                start = i + 1
            }
            if !discarding {
                pending.append(contentsOf: chunk[start..<count])
                if pending.count > maxLineLength {
                    pending.removeAll()
                    discarding = true
                    emit(.tooLong)
                }
            }
        }
        if !discarding {
            if pending.count > maxLineLength { emit(.tooLong) } else { emitLine(&pending, emit) }
        }
    }

    private static func emitLine(_ pending: inout [UInt8], _ emit: (Line) -> Void) {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        if pending.contains(where: { $0 != 0x20 && $0 != 0x09 }) { emit(.message(pending)) }
    }

    /// Writes every byte, retrying on `EINTR` and partial writes; `false` if the descriptor failed.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
