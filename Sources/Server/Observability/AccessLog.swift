import Foundation
import JSON
import Ledger
import Synchronization

/// JSON lines on stderr: one per request, plus the server's own notices.
///
/// A line names the route pattern, never the query or body, and never a credential, so logs can be
/// shipped anywhere without carrying memory content, keys or tokens (DESIGN.md §5).
public final class AccessLog: Sendable {
    public let level: LogLevel
    private let sink: @Sendable (String) -> Void

    /// - Parameter sink: where finished lines go; stderr by default.
    public init(level: LogLevel = .info, sink: (@Sendable (String) -> Void)? = nil) {
        self.level = level
        self.sink = sink ?? AccessLog.standardError
    }

    private static let lock = Mutex(())

    @Sendable static func standardError(_ line: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Logs a message with fields; `fields` must not carry content or secrets.
    public func log(_ level: LogLevel, _ message: String, _ fields: JSONObject = JSONObject()) {
        guard level >= self.level else { return }
        var o = fields
        o["ts"] = .string(Timestamp.now().rfc3339)
        o["level"] = .string(level.rawValue)
        o["msg"] = .string(message)
        sink(JSONValue.object(o).serializedString())
    }

    /// One access line.
    public func request(
        requestID: String, method: String, route: String, status: Int, seconds: Double, client: String, clientID: String?,
        bytesIn: Int, bytesOut: Int
    ) {
        guard level <= .info else { return }
        var o: JSONObject = [
            "request_id": .string(requestID), "method": .string(method), "route": .string(route), "status": .int(Int64(status)),
            "duration_ms": .double((seconds * 1_000_000).rounded() / 1000), "client": .string(client),
            "bytes_in": .int(Int64(bytesIn)), "bytes_out": .int(Int64(bytesOut)),
        ]
        if let clientID { o["client_id"] = .string(clientID) }
        log(.info, "request", o)
    }
}
