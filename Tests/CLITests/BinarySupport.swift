import Foundation
import Testing

/// The `memledger` binary built beside this test bundle.
let memledgerBinary: String = {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidate = bundleDir.appendingPathComponent("memledger").path
    if !FileManager.default.isExecutableFile(atPath: candidate) {
        // `swift test` runs the bundle from .build/<triple>/debug; fall back to the package's .build/debug.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidate = root.appendingPathComponent(".build/debug/memledger").path
    }
    return candidate
}()

/// Runs the binary to completion and returns its exit status and standard output.
func runMemledger(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
    let process = try ChildProcess(memledgerBinary, arguments, environment: environment, stdout: .pipe, stderr: .nullDevice)
    let data = process.standardOutput!.readDataToEndOfFile()
    return (process.wait(), String(decoding: data, as: UTF8.self))
}

/// A fresh data directory for one test, removed when the value is released.
final class TempDirectory: @unchecked Sendable {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "memledger-cli-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var database: String { path + "/memledger.sqlite" }
}

/// The outcome of one run of the binary.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard output parsed as one JSON object.
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]) ?? [:] }

    /// Standard output parsed as JSON lines.
    var lines: [[String: Any]] {
        stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// Runs the binary to completion, capturing both output streams (stdin from `input` when given).
func memledger(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws -> RunResult {
    let process = try ChildProcess(
        memledgerBinary, arguments, environment: environment, stdin: input == nil ? .nullDevice : .pipe, stdout: .pipe, stderr: .pipe)
    if let input, let stdin = process.standardInput {
        stdin.write(input)
        try stdin.close()
    }
    // Read stderr on another thread so neither pipe can fill up and stall the child.
    let errData = ErrorCollector(process.standardError!)
    let outData = process.standardOutput!.readDataToEndOfFile()
    return RunResult(
        status: process.wait(), stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData.wait(), as: UTF8.self))
}

/// Drains a pipe on its own thread.
final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ pipe: FileHandle) {
        Thread.detachNewThread { [self] in
            data = pipe.readDataToEndOfFile()
            done.signal()
        }
    }
    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A data directory seeded by `memledger debug-seed`, with some ids of each kind.
struct SeededLedger {
    let dir: TempDirectory
    let updated: [String]
    let deleted: [String]
    let live: [String]
    let head: String

    init(memories: Int = 30, sourceLocation: SourceLocation = #_sourceLocation) throws {
        dir = TempDirectory()
        let run = try memledger(["debug-seed", "--data", dir.path, "--memories", String(memories), "--concurrency", "4"])
        #expect(run.status == 0, "debug-seed failed: \(run.stderr)", sourceLocation: sourceLocation)
        let o = run.object
        updated = o["updated"] as? [String] ?? []
        deleted = o["deleted"] as? [String] ?? []
        live = o["live"] as? [String] ?? []
        head = o["head"] as? String ?? ""
    }

    var path: String { dir.path }
    var database: String { dir.database }
}
