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
