import Foundation
import Testing

/// The authorization server handles owner keys, codes, verifiers, secrets and tokens; it writes no
/// log at all, so none of them can reach one. This guards that choice: any output call added to the
/// module fails here and has to be reviewed (tools/e2e-oauth.py also scans the live server's log).
@Suite struct NoLoggingTests {
    @Test func theOAuthModuleWritesNothingToAnyLog() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/OAuth")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        let outputCalls = ["print(", "debugPrint(", "dump(", "NSLog(", "standardError", "standardOutput", "fputs(", "FileHandle", "Logger", "os_log"]
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for call in outputCalls {
                #expect(!text.contains(call), "\(file) calls \(call)")
            }
        }
    }
}
