import Foundation
import Ledger
import Testing

@Suite(.serialized) struct MultiProcessLedgerTests {
    @Test func twoProcessesAppendingAtOnceLoseNothing() throws {
        let dir = TempDirectory()
        var processes: [ChildProcess] = []
        for name in ["p", "q"] {
            processes.append(try ChildProcess(
                memledgerBinary, ["debug-append", "--data", dir.path, "--stream", name, "--count", "150", "--concurrency", "4"],
                stdout: .pipe))
        }
        var acks: [String] = []
        for process in processes {
            let text = String(decoding: process.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.wait() == 0)
            acks += text.split(separator: "\n").map { String($0.dropFirst(4)) }
        }
        #expect(acks.count == 300)
        let ledger = try Ledger(path: dir.database)
        let events = try ledger.events(limit: 1000)
        #expect(events.map(\.position) == Array(1...300))
        #expect(Set(events.map(\.streamID)) == Set(acks))
        #expect(try ledger.verify().isValid)
    }

    @Test func everyAcknowledgedAppendSurvivesSIGKILL() throws {
        let dir = TempDirectory()
        var acknowledged: Set<String> = []
        for round in 0..<20 {
            let process = try ChildProcess(
                memledgerBinary, ["debug-append", "--data", dir.path, "--stream", "r\(round)", "--concurrency", "4"],
                stdout: .pipe, stderr: .nullDevice)
            usleep(UInt32.random(in: 60_000...250_000))
            process.kill(SIGKILL)
            process.wait()
            let text = String(decoding: process.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
            // Only complete lines are acknowledgements; a torn last line is not.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            let complete = text.hasSuffix("\n") ? lines : lines.dropLast()
            acknowledged.formUnion(complete.map { String($0.dropFirst(4)) })

            let ledger = try Ledger(path: dir.database)
            let present = Set(try ledger.events(limit: 1_000_000).map(\.streamID))
            let lost = acknowledged.subtracting(present)
            #expect(lost.isEmpty, "round \(round): acknowledged appends lost: \(lost.sorted().prefix(5))")
            let report = try ledger.verify()
            #expect(report.isValid, "round \(round): \(report.brokenReason ?? "")")
            ledger.close()
        }
        #expect(acknowledged.count > 20)
    }

    @Test func verifyCommandReportsAsJSONAndChecksTheExpectedHead() throws {
        let dir = TempDirectory()
        let (status, _) = try runMemledger(["debug-append", "--data", dir.path, "--stream", "v", "--count", "3"])
        #expect(status == 0)
        let (ok, json) = try runMemledger(["verify", "--data", dir.path, "--json"])
        #expect(ok == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == true)
        #expect(object["events"] as? Int == 3)
        let head = "3:\(object["head_hash"] as? String ?? "")"
        #expect(try runMemledger(["verify", "--data", dir.path, "--expect-head", head]).0 == 0)
        #expect(try runMemledger(["verify", "--data", dir.path, "--expect-head", "3:00"]).0 == 1)
        #expect(try runMemledger(["verify", "--data", dir.path + "/nope"]).0 == 69)
        #expect(try runMemledger(["verify", "--bogus"]).0 == 64)
        #expect(try runMemledger(["--version"]).1.hasPrefix("memledger "))
    }
}
