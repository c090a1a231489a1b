import Foundation
import JSON

/// Buffers output and writes it to a file (or standard output, when nil) in large pieces.
final class BufferedOutput {
    private let handle: FileHandle?
    private var buffer: [UInt8] = []

    init(_ handle: FileHandle?) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ value: JSONValue) throws {
        value.serialize(into: &buffer)
        buffer.append(10)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// - Throws: when the file cannot take the bytes (disk full); standard output ends the process instead.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        if let handle {
            try handle.write(contentsOf: buffer)
        } else {
            writeStandardOutput(buffer)
        }
    }
}
