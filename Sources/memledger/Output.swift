import Foundation
import Synchronization

func defaultDataDirectory() -> String {
    ProcessInfo.processInfo.environment["MEMLEDGER_DATA_DIR"] ?? "./data"
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("memledger: \(message)\n".utf8))
}

func printJSON(_ object: Any) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// A progress counter on stderr when it is a terminal; silent otherwise.
final class ProgressLine: Sendable {
    private let label: String
    private let enabled: Bool
    private let last = Mutex(Date.distantPast)

    init(label: String, enabled: Bool = true) {
        self.label = label
        self.enabled = enabled && isatty(2) == 1
    }

    func update(_ count: Int64) {
        guard enabled else { return }
        let due = last.withLock { last in
            guard Date().timeIntervalSince(last) > 0.2 else { return false }
            last = Date()
            return true
        }
        guard due else { return }
        FileHandle.standardError.write(Data("\r\(label) \(count)…".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
