import Foundation
import JSON
import Ledger
import Memory

/// What every operator command shares: the data directory, the output mode, and who is acting.
///
/// Commands that write open the store beside any running server (DESIGN.md §6 "Processes"): SQLite
/// serialises the writers, and the events record transport `cli`, client `cli` and the operator.
struct OperatorContext {
    let data: DataDirectory
    let json: Bool

    init(_ args: Arguments) {
        data = DataDirectory(path: args["data"] ?? defaultDataDirectory())
        json = args.has("json")
    }

    /// The operator behind the command line, as every event it writes names them: `operator:$USER`
    /// (else `$LOGNAME`, else the account the process runs as).
    static var actor: String {
        let env = ProcessInfo.processInfo.environment
        let name = [env["USER"], env["LOGNAME"]].compactMap { $0 }.first { !$0.isEmpty } ?? ProcessInfo.processInfo.userName
        return "operator:\(name)"
    }

    /// The user a command acts for when none is named: `MEMLEDGER_DEFAULT_USER_ID` (as `serve` reads it), `MEM0_DEFAULT_USER_ID`, else `default`.
    static var defaultUser: String {
        let env = ProcessInfo.processInfo.environment
        return env["MEMLEDGER_DEFAULT_USER_ID"] ?? env["MEMLEDGER_DEFAULT_USER"] ?? env["MEM0_DEFAULT_USER_ID"] ?? "default"
    }

    static func provenance(_ transport: Transport = .cli) -> Provenance {
        Provenance(clientID: "cli", actor: actor, transport: transport)
    }

    /// Opens the existing memory store; a missing one is an error, never silently created.
    func openService() throws -> MemoryService {
        guard data.exists else { throw CommandFailure.noData(data) }
        return try MemoryService.forOperator(path: data.database)
    }

    /// The caller for a command about one memory: the named user, else the memory's owner (the
    /// operator may act for any user, as an `admin` key may).
    func caller(for memoryID: String, user: String?, in service: MemoryService) throws -> Caller {
        if let user { return Caller(userID: user, provenance: Self.provenance()) }
        let owner = try service.ledger.read { db in
            try db.first("SELECT user_id FROM events WHERE stream_id = ? ORDER BY position LIMIT 1", [.text(memoryID)]) {
                $0.optionalString(0)
            } ?? nil
        }
        return Caller(userID: owner ?? Self.defaultUser, provenance: Self.provenance())
    }

    /// Prints a JSON value as one line on stdout.
    func emit(_ value: JSONValue) {
        var bytes = value.serialized()
        bytes.append(UInt8(ascii: "\n"))
        writeStandardOutput(bytes)
    }
}
