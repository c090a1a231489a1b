import Foundation
import Ledger
import SQLite

#if canImport(Glibc)
import Glibc
#endif

/// The timed workloads of one `ledger` benchmark run, each in its own file inside `directory`.
///
/// Every workload runs for `seconds` of wall time and returns operations per second over the time it
/// actually took (the last in-flight operations finish after the deadline and are counted).
struct LedgerWorkloads {
    let directory: String
    let seconds: Double

    /// The same 300 bytes in every workload: a JSON object for the ledger, a blob for plain SQLite.
    static let payload: [UInt8] = {
        let head = Array(#"{"kind":"note","text":""#.utf8)
        let tail = Array(#""}"#.utf8)
        let filler = (0..<(300 - head.count - tail.count)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        return head + filler + tail
    }()

    private var duration: Duration { .nanoseconds(Int64(seconds * 1e9)) }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Plain SQLite, the fsync-bound limit: one connection configured like the ledger's (WAL,
    /// `synchronous=FULL`), one INSERT of a 300-byte blob per autocommit transaction.
    /// - Returns: commits per second.
    func plainSQLiteCommits() throws -> Double {
        let db = try Connection(path: path("plain.sqlite"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        let blob = SQLValue.blob(Self.payload)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        var commits = 0
        while clock.now < deadline {
            try db.run("INSERT INTO t (payload) VALUES (?)", blob)
            commits += 1
        }
        return Double(commits) / seconds(from: start, clock: clock)
    }

    /// The disk's raw durable-write rate: append 4 KiB to a file and `fdatasync` it, repeatedly.
    /// Context for the SQLite figure: a WAL commit costs at least one of these.
    /// - Returns: fdatasyncs per second.
    func fdatasyncAppends() throws -> Double {
        let fd = open(path("fsync.probe"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WorkloadError("cannot create the fdatasync probe file (errno \(errno))") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5a, count: 4096)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        var syncs = 0
        var offset: off_t = 0
        while clock.now < deadline {
            let written = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, offset) }
            guard written == block.count else { throw WorkloadError("probe write failed (errno \(errno))") }
            offset += off_t(written)
            guard fdatasync(fd) == 0 else { throw WorkloadError("fdatasync failed (errno \(errno))") }
            syncs += 1
        }
        return Double(syncs) / seconds(from: start, clock: clock)
    }

    /// The ledger: `writers` tasks, each awaiting one durable append after another, every append a
    /// new stream of one event (so no writer ever conflicts with another on a stream version).
    /// - Returns: appends per second, all writers together.
    func ledgerAppends(writers: Int) async throws -> Double {
        let ledger = try Ledger(path: path("ledger-\(writers).sqlite"))
        defer { ledger.close() }
        let provenance = Provenance(agentID: "bench", clientID: "bench", transport: .cli)
        let payload = Self.payload
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let appends = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var count = 0
                    while clock.now < deadline {
                        let stream = "bench-\(writer)-\(count)"
                        try await ledger.write { tx in
                            try tx.append(
                                to: stream, expected: .noStream,
                                events: [NewEvent(type: "bench.appended", userID: "bench", payload: payload)],
                                provenance: provenance)
                        }
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(appends) / seconds(from: start, clock: clock)
    }

    private func seconds(from start: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
        let elapsed = start.duration(to: clock.now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}

/// A workload that could not run; the message names the step and errno, never data.
struct WorkloadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
