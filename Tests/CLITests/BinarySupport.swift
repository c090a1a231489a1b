import Foundation

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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: memledgerBinary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
