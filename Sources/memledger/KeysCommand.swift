import Foundation
import Ledger
import Server

/// `memledger keys create|list|revoke`: API keys, stored only as digests.
struct KeysCommand {
    static let help = """
        usage: memledger keys create --name NAME [--user ID] [--scopes memory.read,memory.write,admin] [--json]
               memledger keys list [--json]
               memledger keys revoke NAME [--json]
               (all take --data DIR)

        A key is shown once, when it is created; only its SHA-256 digest is stored. The key's name
        becomes the client_id on the events it writes. Scopes default to memory.read,memory.write;
        the user defaults to MEMLEDGER_DEFAULT_USER_ID / MEM0_DEFAULT_USER_ID or "default".
        Creation and revocation are recorded in the ledger as auth.key_created / auth.key_revoked.
        --json prints one JSON object; for list, JSON lines (one key per line, never a secret).
        """

    let args: Arguments
    let action: String
    let data: String
    let json: Bool

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data", "name", "user", "scopes"])
        guard let action = args.positionals.first, ["create", "list", "revoke"].contains(action) else {
            throw UsageError("keys needs create, list or revoke\n\(Self.help)")
        }
        self.args = args
        self.action = action
        data = args["data"] ?? defaultDataDirectory()
        json = args.has("json")
    }

    func run() throws -> ExitCode {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.dataDirectory = data
        let service = try ServerEnvironment.openService(configuration, allowEmbedderMismatch: true)
        defer { service.close() }
        let store = APIKeyStore(ledger: service.ledger)
        let provenance = Provenance(actor: OperatorContext.actor, transport: .cli)
        switch action {
        case "create":
            guard let name = args["name"] else { throw UsageError("keys create needs --name NAME") }
            let scopesText = args["scopes"] ?? "memory.read,memory.write"
            guard let scopes = APIKey.parseScopes(scopesText) else {
                throw UsageError("--scopes takes a comma-separated list of memory.read, memory.write, admin")
            }
            let userID = args["user"] ?? environment["MEMLEDGER_DEFAULT_USER_ID"] ?? environment["MEM0_DEFAULT_USER_ID"] ?? "default"
            do {
                let (key, secret) = try store.createSync(name: name, userID: userID, scopes: scopes, provenance: provenance)
                if json {
                    printJSON(["name": key.name, "user_id": key.userID, "scopes": key.scopes.map(\.rawValue).sorted(), "key": secret,
                               "created_at": key.createdAt.rfc3339])
                } else {
                    print(secret)
                    printError("created key '\(key.name)' for user '\(key.userID)' (\(key.scopes.map(\.rawValue).sorted().joined(separator: ", "))); it is shown only this once")
                }
                return .ok
            } catch let error as APIKeyError {
                printError(error.description)
                return .failure
            }
        case "list":
            let keys = try store.list()
            if json {
                for key in keys {
                    var o: [String: Any] = ["name": key.name, "user_id": key.userID, "scopes": key.scopes.map(\.rawValue).sorted(),
                                            "created_at": key.createdAt.rfc3339, "revoked": key.isRevoked]
                    if let revoked = key.revokedAt { o["revoked_at"] = revoked.rfc3339 }
                    printJSON(o)
                }
            } else if keys.isEmpty {
                print("no keys (the first `memledger serve` creates the owner key)")
            } else {
                for key in keys {
                    let state = key.revokedAt.map { "revoked \($0.rfc3339)" } ?? "active"
                    print("\(key.name)\tuser=\(key.userID)\tscopes=\(key.scopes.map(\.rawValue).sorted().joined(separator: ","))\tcreated \(key.createdAt.rfc3339)\t\(state)")
                }
            }
            return .ok
        default:
            guard args.positionals.count == 2 else { throw UsageError("usage: memledger keys revoke NAME") }
            do {
                let key = try store.revokeSync(name: args.positionals[1], provenance: provenance)
                if json { printJSON(["name": key.name, "revoked": true, "revoked_at": key.revokedAt?.rfc3339 ?? ""]) }
                else { print("revoked key '\(key.name)'") }
                return .ok
            } catch let error as APIKeyError {
                printError(error.description)
                return .failure
            }
        }
    }
}
