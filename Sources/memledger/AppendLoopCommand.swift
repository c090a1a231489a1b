import Foundation
import Ledger

/// `memledger debug-append`: appends numbered events and prints each one once it is durable.
///
/// Used by the multi-process and crash-safety tests: a line on stdout is an acknowledgement.
struct AppendLoopCommand {
    static let help = """
        usage: memledger debug-append [--data DIR] --stream PREFIX [--count N] [--concurrency N]

        Appends N events (default: until killed) to streams PREFIX-0…, printing "ack STREAM" per durable append.
        """

    let data: DataDirectory
    let prefix: String
    let count: Int
    let concurrency: Int

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "stream", "count", "concurrency"])
        data = DataDirectory(path: args["data"] ?? defaultDataDirectory())
        guard let prefix = args["stream"] else { throw UsageError("--stream is required") }
        self.prefix = prefix
        count = Int(args["count"] ?? "") ?? Int.max
        concurrency = max(1, Int(args["concurrency"] ?? "1") ?? 1)
    }

    func run() throws -> ExitCode {
        try data.create()
        let ledger = try Ledger(path: data.database)
        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<concurrency {
            group.enter()
            Thread.detachNewThread { [prefix, count] in
                defer { group.leave() }
                while let i = next.take(below: count) {
                    let stream = "\(prefix)-\(i)"
                    do {
                        try ledger.writeSync { tx in
                            try tx.append(
                                to: stream, expected: .noStream,
                                events: [NewEvent(type: "debug.appended", userID: "debug", payload: Array("{\"i\":\(i)}".utf8))],
                                provenance: Provenance(clientID: "debug", transport: .cli))
                        }
                        FileHandle.standardOutput.write(Data("ack \(stream)\n".utf8))
                    } catch {
                        printError("append failed: \(error)")
                        return
                    }
                }
            }
        }
        group.wait()
        return .ok
    }
}

/// Hands out 0, 1, 2, … to several threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
    }
}
