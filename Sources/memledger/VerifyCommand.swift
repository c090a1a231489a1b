import Foundation
import Ledger

/// `memledger verify`: recomputes the hash chain and payload digests, and checks the head.
struct VerifyCommand {
    static let help = """
        usage: memledger verify [--data DIR] [--expect-head POS:HASH] [--json]

        Recomputes every event's hash and payload digest from the first position.
        Exits 0 when the chain is intact, 1 naming the first bad position otherwise.
        """

    let data: DataDirectory
    let expectHead: String?
    let json: Bool

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "expect-head"])
        data = DataDirectory(path: args["data"] ?? defaultDataDirectory())
        expectHead = args["expect-head"]
        json = args.has("json")
    }

    func run() throws -> ExitCode {
        guard data.exists else {
            printError("no memledger data in \(data.path) (use --data DIR)")
            return .unavailable
        }
        let ledger = try Ledger(path: data.database)
        let progress = ProgressLine(label: "verified", enabled: !json)
        let report = try ledger.verify(progress: { progress.update($0) })
        progress.finish()
        var ok = report.isValid
        var headMismatch: String?
        if let expectHead, expectHead != report.head.description {
            ok = false
            headMismatch = "head is \(report.head.description), expected \(expectHead)"
        }
        if json {
            var fields: [String: Any] = [
                "ok": ok, "events": report.eventsChecked, "head_position": report.head.position,
                "head_hash": report.head.hash.hexString, "redacted_payloads": report.redactedPayloads,
                "payload_mismatches": report.payloadMismatches, "missing_payloads": report.missingPayloads,
            ]
            if let p = report.firstBrokenPosition { fields["first_broken_position"] = p }
            if let r = report.brokenReason { fields["reason"] = r }
            if let headMismatch { fields["head_mismatch"] = headMismatch }
            printJSON(fields)
        } else {
            print("events: \(report.eventsChecked)  head: \(report.head.description)")
            if let p = report.firstBrokenPosition { print("BROKEN at position \(p): \(report.brokenReason ?? "")") }
            for p in report.payloadMismatches { print("payload digest mismatch at position \(p)") }
            for p in report.missingPayloads { print("payload missing (not redacted) at position \(p)") }
            if let headMismatch { print(headMismatch) }
            print(ok ? "ok" : "FAILED")
        }
        return ok ? .ok : .failure
    }
}
