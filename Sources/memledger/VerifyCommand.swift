import Crypto
import Foundation
import JSON
import Ledger
import Memory

/// `memledger verify`: the hash chain, the payload digests, the expected head, and projection drift
/// against a fresh rebuild.
struct VerifyCommand: CLICommand {
    static let help = """
        usage: memledger verify [--data DIR] [--expect-head POS:HASH] [--chain-only] [--json]

        Recomputes every event's hash and payload digest from the first position, then rebuilds the
        projections (read model, full-text) from the ledger into a scratch file and compares them with
        the live ones, and checks every stored vector against its memory.
        Exits 0 when all is intact; 1 naming the first bad position or projection row otherwise;
        69 when there is no data directory.

          --expect-head POS:HASH   also require this chain head (as printed by verify, backup, export)
          --chain-only             skip the projection comparison
          --json                   one JSON object on stdout
        """
    static let valued: Set<String> = ["data", "expect-head"]

    let context: OperatorContext
    let expectHead: String?
    let chainOnly: Bool

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "expect-head", "chain-only"])
        context = OperatorContext(args)
        expectHead = args["expect-head"]
        chainOnly = args.has("chain-only")
        if let expectHead, expectHead.split(separator: ":").count != 2 {
            throw UsageError("--expect-head takes POS:HASH (got '\(expectHead)')")
        }
    }

    func run() throws -> ExitCode {
        guard context.data.exists else { throw CommandFailure.noData(context.data) }
        let service = try MemoryService.forOperator(path: context.data.database)
        defer { service.close() }
        let outcome = try Verification.run(
            service.ledger, scratchDirectory: context.data.path, projections: !chainOnly, expectHead: expectHead, quiet: context.json)
        if context.json {
            context.emit(outcome.json)
        } else {
            outcome.printText()
        }
        return outcome.ok ? .ok : .failure
    }
}

/// The whole check `verify`, `import` and `restore-backup` run.
struct Verification {
    var report: VerifyReport
    var drift: ProjectionDrift?
    var comparedAt: Int64?
    var headMismatch: String?

    var ok: Bool { report.isValid && drift == nil && headMismatch == nil }

    static func run(_ ledger: Ledger, scratchDirectory: String, projections: Bool, expectHead: String?, quiet: Bool) throws -> Verification {
        let progress = ProgressLine(label: "verified", enabled: !quiet)
        let report = try ledger.verify(progress: { progress.update($0) })
        progress.finish()
        var outcome = Verification(report: report)
        if let expectHead, expectHead.lowercased() != report.head.description {
            outcome.headMismatch = "head is \(report.head.description), expected \(expectHead)"
        }
        if projections {
            let rebuild = ProgressLine(label: "rebuilt", enabled: !quiet)
            let (drift, position) = try ProjectionCheck.firstDrift(in: ledger, scratchDirectory: scratchDirectory, progress: { rebuild.update($0) })
            rebuild.finish()
            outcome.drift = drift
            outcome.comparedAt = position
        }
        return outcome
    }

    var json: JSONValue {
        var o: JSONObject = [
            "ok": .bool(ok), "events": .int(report.eventsChecked), "head_position": .int(report.head.position),
            "head_hash": .string(report.head.hash.hexString), "head": .string(report.head.description),
            "redacted_payloads": .int(report.redactedPayloads),
            "payload_mismatches": .array(report.payloadMismatches.map { .int($0) }),
            "missing_payloads": .array(report.missingPayloads.map { .int($0) }),
        ]
        if let p = report.firstBrokenPosition { o["first_broken_position"] = .int(p) }
        if let r = report.brokenReason { o["reason"] = .string(r) }
        if let headMismatch { o["head_mismatch"] = .string(headMismatch) }
        if let comparedAt {
            o["projections_compared_at"] = .int(comparedAt)
            if let drift {
                o["drift"] = ["table": .string(drift.table), "row": .string(drift.row), "detail": .string(drift.detail)]
            } else {
                o["drift"] = .null
            }
        }
        return .object(o)
    }

    func printText() {
        print("events: \(report.eventsChecked)  head: \(report.head.description)")
        if let p = report.firstBrokenPosition { print("BROKEN at position \(p): \(report.brokenReason ?? "")") }
        for p in report.payloadMismatches { print("payload digest mismatch at position \(p)") }
        for p in report.missingPayloads { print("payload missing (not redacted) at position \(p)") }
        if let headMismatch { print(headMismatch) }
        if let comparedAt {
            if let drift {
                print("projection drift at position \(comparedAt): \(drift)")
            } else {
                print("projections match a rebuild at position \(comparedAt)")
            }
        }
        print(ok ? "ok" : "FAILED")
    }
}
