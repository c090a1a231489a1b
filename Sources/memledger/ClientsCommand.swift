import Foundation
import JSON
import Ledger
import OAuth

/// `memledger clients list|revoke`: the OAuth clients registered through dynamic registration.
struct ClientsCommand {
    static let help = """
        usage: memledger clients list [--data DIR] [--json]
               memledger clients revoke CLIENT_ID [--data DIR] [--json]

        list    every registered OAuth client: id, name, redirect URIs, auth method, when it was
                registered and first approved, and how many live grants it holds
        revoke  revoke a client and every token issued to it (recorded as auth.client_revoked)
        """

    enum Action {
        case list
        case revoke(String)
    }

    let data: DataDirectory
    let action: Action
    let json: Bool

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data"])
        data = DataDirectory(path: args["data"] ?? defaultDataDirectory())
        json = args.has("json")
        switch (args.positionals.first, args.positionals.count) {
        case ("list", 1): action = .list
        case ("revoke", 2): action = .revoke(args.positionals[1])
        case ("revoke", _): throw UsageError("clients revoke needs exactly one CLIENT_ID")
        default: throw UsageError("usage: memledger clients list|revoke (see --help)")
        }
    }

    func run() throws -> ExitCode {
        guard data.exists else {
            printError("no memledger data in \(data.path) (use --data DIR)")
            return .unavailable
        }
        let ledger = try Ledger(path: data.database)
        defer { ledger.close() }
        switch action {
        case .list:
            let clients = try OAuthAdministration.clients(in: ledger)
            if json {
                print(JSONValue.array(clients.map(\.json)).serializedString())
            } else if clients.isEmpty {
                print("no OAuth clients registered")
            } else {
                for client in clients {
                    let status =
                        client.revokedAt.map { "revoked \($0.rfc3339)" }
                        ?? client.consentedAt.map { "approved \($0.rfc3339)" } ?? "never approved"
                    print("\(client.clientID)  \(client.clientName)  [\(client.authMethod)]  \(status)  grants: \(client.activeGrants)")
                    for uri in client.redirectURIs { print("    \(uri)") }
                }
            }
            return .ok
        case .revoke(let clientID):
            let actor = "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "operator")
            let revoked = try OAuthAdministration.revokeSync(clientID, actor: actor, in: ledger)
            if json {
                printJSON(["client_id": clientID, "revoked": revoked])
            } else {
                print(revoked ? "revoked \(clientID) and every token issued to it" : "no live client \(clientID)")
            }
            return revoked ? .ok : .failure
        }
    }
}
