import Crypto
import Foundation
import JSON
import Ledger

/// The export file: JSON lines that carry every event verbatim (DESIGN.md §6 "Hash input").
///
/// Line 1 is a header `{"format":"memledger-export","version":1,…}`; then one event per line with its
/// envelope fields under their column names, `payload_digest`, `prev_hash` and `hash` in hex, and
/// `salt` and `payload` as base64 of the stored bytes (both null once redacted); the last line is
/// `{"end":true,"events":N,"head":"POS:HASH"}`, so a truncated file is recognised as such.
enum ExportFormat {
    static let format = "memledger-export"
    static let version: Int64 = 1

    static func header(exportedAt: Timestamp) -> JSONValue {
        ["format": .string(format), "version": .int(version), "exported_at": .string(exportedAt.rfc3339)]
    }

    static func trailer(events: Int64, head: LedgerHead) -> JSONValue {
        ["end": .bool(true), "events": .int(events), "head": .string(head.description)]
    }

    static func line(_ e: RecordedEvent) -> JSONValue {
        let p = e.provenance
        return [
            "position": .int(e.position), "event_id": .string(e.eventID), "stream_id": .string(e.streamID),
            "stream_version": .int(e.streamVersion), "type": .string(e.type), "schema_version": .int(Int64(e.schemaVersion)),
            "occurred_at": .string(e.occurredAt.rfc3339), "user_id": JSONValue(e.userID), "agent_id": JSONValue(p.agentID),
            "client_id": JSONValue(p.clientID), "actor": JSONValue(p.actor), "transport": .string(p.transport.rawValue),
            "request_id": JSONValue(p.requestID), "correlation_id": JSONValue(p.correlationID),
            "causation_id": JSONValue(p.causationID), "idempotency_key": JSONValue(e.idempotencyKey),
            "payload_digest": .string(e.payloadDigest.hexString), "prev_hash": .string(e.prevHash.hexString),
            "hash": .string(e.hash.hexString), "salt": JSONValue(e.salt.map { Base64.encode($0) }),
            "payload": JSONValue(e.payload.map { Base64.encode($0) }),
        ]
    }

    /// A line that is not what it should be, named by its line number.
    struct Malformed: Error, CustomStringConvertible {
        let line: Int
        let reason: String
        var description: String { "line \(line): \(reason)" }
    }

    /// Decodes an event line.
    static func event(_ v: JSONValue, line: Int) throws(Malformed) -> RecordedEvent {
        func text(_ key: String) throws(Malformed) -> String {
            guard let s = v[key]?.stringValue else { throw Malformed(line: line, reason: "\(key) is missing or not a string") }
            return s
        }
        func optional(_ key: String) throws(Malformed) -> String? {
            guard let value = v[key], !value.isNull else { return nil }
            guard let s = value.stringValue else { throw Malformed(line: line, reason: "\(key) is not a string") }
            return s
        }
        func int(_ key: String) throws(Malformed) -> Int64 {
            guard let n = v[key]?.intValue else { throw Malformed(line: line, reason: "\(key) is missing or not an integer") }
            return n
        }
        func hex(_ key: String) throws(Malformed) -> [UInt8] {
            guard let b = bytes(fromHex: try text(key)), b.count == 32 else { throw Malformed(line: line, reason: "\(key) is not 32 bytes of hex") }
            return b
        }
        func base64(_ key: String) throws(Malformed) -> [UInt8]? {
            guard let s = try optional(key) else { return nil }
            guard let b = Base64.decode(s) else { throw Malformed(line: line, reason: "\(key) is not base64") }
            return b
        }
        guard let transport = Transport(rawValue: try text("transport")) else {
            throw Malformed(line: line, reason: "unknown transport")
        }
        guard let time = Timestamp(rfc3339: try text("occurred_at")) else { throw Malformed(line: line, reason: "occurred_at is not RFC 3339") }
        let salt = try base64("salt")
        let payload = try base64("payload")
        guard (salt == nil) == (payload == nil) else { throw Malformed(line: line, reason: "salt and payload must both be present or both null") }
        return RecordedEvent.verbatim(
            position: try int("position"), eventID: try text("event_id"), streamID: try text("stream_id"),
            streamVersion: try int("stream_version"), type: try text("type"), schemaVersion: Int(try int("schema_version")),
            occurredAt: time, userID: try optional("user_id"),
            provenance: Provenance(
                agentID: try optional("agent_id"), clientID: try optional("client_id"), actor: try optional("actor"), transport: transport,
                requestID: try optional("request_id"), correlationID: try optional("correlation_id"), causationID: try optional("causation_id")),
            idempotencyKey: try optional("idempotency_key"), payloadDigest: try hex("payload_digest"), prevHash: try hex("prev_hash"),
            hash: try hex("hash"), salt: salt, payload: payload)
    }
}

/// Reads a file (or standard input for `-`) line by line without loading it whole.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    /// The number of the line last returned, from 1.
    private(set) var lineNumber = 0

    init(path: String) throws {
        if path == "-" {
            guard let f = fdopen(dup(0), "r") else { throw CommandFailure(.unavailable, "cannot read standard input") }
            file = f
        } else {
            guard let f = fopen(path, "r") else { throw CommandFailure(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))") }
            file = f
        }
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next line's bytes without its line break, or nil at the end.
    func next() -> [UInt8]? {
        let n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else { return nil }
        lineNumber += 1
        var count = n
        while count > 0, buffer[count - 1] == 10 || buffer[count - 1] == 13 { count -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
}

/// Buffers output and writes it to a file descriptor in large pieces.
final class BufferedOutput {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ value: JSONValue) {
        value.serialize(into: &buffer)
        buffer.append(10)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
