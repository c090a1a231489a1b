import Foundation

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
