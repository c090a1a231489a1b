import Foundation
import SQLite
import Testing

/// Operator commands against a data directory a live `memledger serve` is writing to.
@Suite struct BesideServerTests {
    /// A running `memledger serve` on an ephemeral loopback port, stopped with SIGTERM when released.
    final class RunningServer {
        let process = Process()
        let base: String
        static let key = "mlk_test_owner_key_for_cli_tests_0123456789"

        init(data: String) throws {
            process.executableURL = URL(fileURLWithPath: memledgerBinary)
            process.arguments = ["serve", "--data", data, "--port", "0", "--host", "127.0.0.1"]
            process.environment = ProcessInfo.processInfo.environment.merging(["MEMLEDGER_API_KEY": Self.key]) { $1 }
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            var address: String?
            var buffer = Data()
            let deadline = Date().addingTimeInterval(20)
            while address == nil, Date() < deadline {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += chunk
                for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.contains("\"listening\"") {
                    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    address = object?["address"] as? String
                }
            }
            base = address ?? ""
            // Keep draining stderr so the server never blocks on a full pipe.
            Thread.detachNewThread { while !err.fileHandleForReading.availableData.isEmpty {} }
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }

        /// Calls the REST API with curl (loopback only): the status and the body.
        func call(_ method: String, _ path: String, body: String? = nil) throws -> (Int, [String: Any]) {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            var args = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "-H", "Authorization: Bearer \(Self.key)", base + path]
            if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
            curl.arguments = args
            let out = Pipe()
            curl.standardOutput = out
            try curl.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            curl.waitUntilExit()
            let status = Int(text.split(separator: "\n").last ?? "") ?? 0
            let json = text.split(separator: "\n").dropLast().joined(separator: "\n")
            return (status, (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]) ?? [:])
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func redactRestoreAndBackupWorkWhileTheServerServes() throws {
        let dir = TempDirectory()
        let server = try RunningServer(data: dir.path)
        try #require(server.base.hasPrefix("http://127.0.0.1:"), "serve did not report its address")
        let (status, added) = try server.call("POST", "/api/v1/memories", body: #"{"content": "The deploy password is hunter2", "agent_id": "claude"}"#)
        #expect(status == 200 || status == 201)
        let id = try #require((added["id"] as? String) ?? ((added["results"] as? [[String: Any]])?.first?["id"] as? String))
        let (_, second) = try server.call("POST", "/api/v1/memories", body: #"{"content": "Prefers short answers"}"#)
        let other = try #require((second["id"] as? String) ?? ((second["results"] as? [[String: Any]])?.first?["id"] as? String))
        #expect(try server.call("DELETE", "/api/v1/memories/\(other)").0 == 200)

        #expect(try memledger(["redact", id, "--reason", "leaked credential", "--data", dir.path]).status == 0)
        #expect(try server.call("GET", "/api/v1/memories/\(id)").0 == 404, "the server sees the redaction at once")
        #expect(try memledger(["restore", other, "--data", dir.path]).status == 0)
        #expect(try server.call("GET", "/api/v1/memories/\(other)").0 == 200, "the server sees the restore at once")

        let backup = try memledger(["backup", dir.path + "/b.sqlite", "--data", dir.path, "--json"])
        #expect(backup.status == 0)
        let audit = try memledger(["audit", "--data", dir.path, "--type", "added,deleted,restored,redacted", "--json"]).lines
        #expect(audit.map { $0["transport"] as? String ?? "" } == ["rest", "rest", "rest", "cli", "cli"])
        let verify = try memledger(["verify", "--data", dir.path, "--json"])
        #expect(verify.status == 0, "\(verify.stdout)")
        let db = try Connection(path: dir.database)
        #expect(try db.scalarInt("SELECT count(*) FROM event_payloads p JOIN events e USING (position) WHERE e.stream_id = ?", [.text(id)]) == 1,
                "only the redaction's own payload is left")
    }
}
