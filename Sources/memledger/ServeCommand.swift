import Dispatch
import Foundation
import HTTP
import Ledger
import MCP
import Memory
import OAuth
import Server

/// `memledger serve`: the HTTP server (REST, MCP) on one data directory.
struct ServeCommand {
    static let help = """
        usage: memledger serve [--host H] [--port P] [--data DIR] [--default-user ID]
                               [--body-limit BYTES] [--content-limit BYTES]
                               [--embedder builtin|openai|minilm] [--embed-base-url URL] [--embed-model NAME]
                               [--embed-api-key KEY] [--model-dir DIR]
                               [--public-base-url URL] [--oauth-allowed-redirect-uris LIST]
                               [--oauth-access-token-ttl SECONDS] [--oauth-auto-approve]
                               [--allowed-hosts LIST] [--allowed-origins LIST] [--trust-forwarded-for]
                               [--auth-failures-per-minute N] [--max-in-flight N] [--log-level LEVEL]

        Serves the REST API under /api/v1, MCP at /mcp, /healthz, /readyz, /metrics, /openapi.json.
        Defaults: 127.0.0.1:8765, data in ./data, the built-in embedder, 1MiB bodies, 32KiB per memory,
        10 failed authentications per minute per address (then 429), 512 requests at once (then 503).
        Every flag but --oauth-auto-approve has a MEMLEDGER_* variable, mostly the flag's name
        (MEMLEDGER_PORT, MEMLEDGER_EMBED_API_KEY, MEMLEDGER_MAX_IN_FLIGHT, …; the data directory is
        MEMLEDGER_DATA_DIR, the default user MEMLEDGER_DEFAULT_USER_ID). The mem0 server's names and
        other common aliases are read too (MEM0_API_KEY, MEM0_DEFAULT_USER_ID, PUBLIC_BASE_URL, PORT,
        OAUTH_ALLOWED_REDIRECT_URIS, OPENAI_API_KEY, …; the README's configuration table lists them
        all). Flags win over MEMLEDGER_* variables, which win over the aliases.

        A public base URL (--public-base-url, MEMLEDGER_PUBLIC_BASE_URL or PUBLIC_BASE_URL;
        MEMLEDGER_PUBLIC_URL is read too; the address clients reach, e.g. https://memory.example.com
        behind a TLS proxy) turns on the OAuth authorization server for remote MCP clients; /mcp then
        accepts its access tokens besides API keys; --oauth-access-token-ttl sets their lifetime
        (default 3600 seconds). --oauth-auto-approve grants consent without the form: for tests only,
        refused unless both the bind address and the public base URL are loopback.
        On a loopback bind /mcp accepts only loopback Host names and the public host; --allowed-hosts
        (MEMLEDGER_ALLOWED_HOSTS) adds names such as a proxy's, `*` turns the check off.
        --allowed-origins (MEMLEDGER_ALLOWED_ORIGINS) adds browser origins beyond the MCP Inspector's.

        The first start without any API key creates an owner key and prints it once on stderr;
        MEMLEDGER_API_KEY (or MEM0_API_KEY) makes that key the owner key instead.
        SIGTERM/SIGINT stop gracefully: in-flight requests are answered, the WAL is checkpointed.
        """

    let configuration: ServerConfiguration
    let notices: [String]

    init(_ args: Arguments, environment: [String: String] = ProcessInfo.processInfo.environment) throws(UsageError) {
        try args.allowOnly(ServerConfiguration.valuedFlags.union(ServerConfiguration.switchFlags))
        do {
            (configuration, notices) = try ServerConfiguration.resolve(
                options: args.options, switches: args.switches, environment: environment)
        } catch {
            throw UsageError(error.description)
        }
        if configuration.oauthAutoApprove && configuration.publicBaseURL == nil {
            throw UsageError("--oauth-auto-approve needs a public base URL (OAuth is off without one)")
        }
    }

    /// The authorization server when a public base URL is configured, else nil (OAuth off).
    /// The consent page accepts only API keys with `admin`, checked by the key store's
    /// constant-time digest comparison.
    func makeOAuthServer(service: MemoryService) throws(OAuthConfigurationError) -> OAuthServer? {
        guard let base = configuration.publicBaseURL else { return nil }
        var oc = try OAuthConfiguration(publicBaseURL: base, bindHost: configuration.host)
        oc.allowedRedirectURIs = configuration.oauthAllowedRedirectURIs
        if let ttl = configuration.oauthAccessTokenTTL { oc.accessTokenTTL = ttl }
        if configuration.oauthAutoApprove {
            oc.autoApprove = OwnerIdentity(userID: configuration.defaultUserID, name: "auto-approve")
        }
        let keys = APIKeyStore(ledger: service.ledger)
        return try OAuthServer(configuration: oc, ledger: service.ledger) { key in
            guard let found = try? keys.lookup(secret: key) else { return .invalid }
            let principal = found.principal
            return principal.has(.admin) ? .owner(userID: principal.userID, keyName: principal.clientID) : .notAdmin
        }
    }

    func run() throws -> ExitCode {
        for notice in notices { printError(notice) }
        let service: MemoryService
        do {
            service = try ServerEnvironment.openService(configuration)
        } catch let error as EmbedderSettingsError {
            printError(error.description)
            return .usage
        } catch let error as MemoryError where error.code == .embedderMismatch {
            printError(error.detail)
            return .dataError
        }
        let oauth: OAuthServer?
        do {
            oauth = try makeOAuthServer(service: service)
        } catch {
            printError(error.description)
            service.close()
            return .usage
        }
        let app = ServerApplication(
            configuration: configuration, service: service,
            mcpServer: MemoryTools.server(service: service, version: memledgerVersion), oauth: oauth)
        let server = HTTPServer(configuration: app.httpConfiguration()) { request in await app.handle(request) }
        let port: Int
        do {
            port = try server.start()
        } catch let error as HTTPServerError {
            printError(error.description)
            service.close()
            return .unavailable
        }
        server.stopOnSignals()
        // The owner key is made only once the port is ours, so a refused second `serve` changes nothing.
        let secret: String?
        do {
            secret = try app.keys.ensureOwnerKey(given: configuration.ownerKey, userID: configuration.defaultUserID, provenance: Provenance(actor: OperatorContext.actor, transport: .cli))
        } catch {
            printError("cannot set up the owner key: \(error)")
            server.shutdown(graceful: false)
            service.close()
            return .dataError
        }
        if let secret {
            FileHandle.standardError.write(Data("""
                memledger: created the owner API key (all scopes, user '\(configuration.defaultUserID)'); it is shown only this once:

                    \(secret)

                Use it as: Authorization: Bearer <key>. More keys: memledger keys create --name NAME\n\n
                """.utf8))
        }
        app.log.log(.info, "listening", [
            "address": .string("http://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(port)"),
            "data": .string(configuration.dataDirectory), "embedder": .string(service.embedder.model),
            "oauth": .bool(configuration.oauthEnabled),
        ])
        // Memories added while the embedder was down get their vectors in the background.
        let worker = Task { await service.runVectorWorker() }
        let stopped = DispatchSemaphore(value: 0)
        Task {
            await server.waitUntilStopped()
            stopped.signal()
        }
        stopped.wait()
        worker.cancel()
        app.log.log(.info, "stopping: in-flight requests answered, checkpointing the WAL")
        _ = try? service.ledger.checkpoint()
        service.close()
        return .ok
    }
}
