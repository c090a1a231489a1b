import Foundation
import JSON
import Ledger
import OAuth

/// `memledger clients list|revoke`: the OAuth clients registered through dynamic registration.
struct ClientsCommand: CLICommand {
    static let help = """
        usage: memledger clients list [--data DIR] [--json]
               memledger clients revoke CLIENT_ID [--data DIR] [--json]

        list    every registered OAuth client: id, name, redirect URIs, auth method, when it was
                registered and first approved, and how many live grants it holds
        revoke  revoke a client and every token issued to it (recorded as auth.client_revoked)
        --json  list: JSON lines, one client per line; revoke: one JSON object

        Exit: 0 done, 1 no such live client, 64 bad arguments, 69 no data directory.
        """
    static let valued: Set<String> = ["data"]

    enum Action {
        case list
        case revoke(String)
    }

    let context: OperatorContext
    let action: Action

    init(_ args: Arguments) throws(UsageError) {
        try args.allowOnly(["data"])
        context = OperatorContext(args)
        switch (args.positionals.first, args.positionals.count) {
        case ("list", 1): action = .list
        case ("revoke", 2): action = .revoke(args.positionals[1])
        case ("revoke", _): throw UsageError("clients revoke needs exactly one CLIENT_ID")
        default: throw UsageError("usage: memledger clients list|revoke (see --help)")
        }
    }

    func run() throws -> ExitCode {
        let service = try context.openService()
        defer { service.close() }
        switch action {
        case .list:
            let clients = try OAuthAdministration.clients(in: service.ledger)
            if context.json {
                for client in clients { context.emit(client.json) }
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
            let revoked = try OAuthAdministration.revokeSync(clientID, provenance: OperatorContext.provenance(), in: service.ledger)
            if context.json {
                context.emit(["client_id": .string(clientID), "revoked": .bool(revoked)])
            } else if revoked {
                print("revoked \(clientID) and every token issued to it")
            } else if let earlier = try OAuthAdministration.clients(in: service.ledger).first(where: { $0.clientID == clientID })?.revokedAt {
                printError("OAuth client \(clientID) was already revoked at \(earlier.rfc3339)")
            } else {
                printError("no OAuth client \(clientID) (`memledger clients list` shows the registered ones)")
            }
            return revoked ? .ok : .failure
        }
    }
}
