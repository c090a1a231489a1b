import Foundation
import HTTP
import Ledger
import Synchronization
import Testing

@testable import OAuth

/// A settable wall clock, so expiry is tested without sleeping.
final class TestClock: Sendable {
    private let milliseconds = Mutex<Int64>(1_800_000_000_000)
    var now: Timestamp { Timestamp(milliseconds: milliseconds.withLock { $0 }) }
    func advance(seconds: Int64) { milliseconds.withLock { $0 += seconds * 1000 } }
}

/// An authorization server on a fresh database, driven in-process through `handle`.
final class Harness: @unchecked Sendable {
    static let ownerKey = "mlk_owner_0123456789abcdefghijklmnopqrstuv"
    static let readOnlyKey = "mlk_reader_0123456789abcdefghijklmnopqrstu"
    static let base = "https://memory.example.com"

    let dir: String
    let ledger: Ledger
    let clock = TestClock()
    let server: OAuthServer
    var database: String { dir + "/memledger.sqlite" }

    init(base: String = Harness.base, ledgerAt existing: Ledger? = nil, _ configure: (inout OAuthConfiguration) -> Void = { _ in })
        throws
    {
        dir = NSTemporaryDirectory() + "memledger-oauth-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ledger = try existing ?? Ledger(path: dir + "/memledger.sqlite")
        var configuration = try OAuthConfiguration(publicBaseURL: base)
        let clock = self.clock
        configuration.clock = { clock.now }
        configure(&configuration)
        server = try OAuthServer(configuration: configuration, ledger: ledger, ownerKeyVerifier: Harness.verifyOwnerKey)
    }

    deinit {
        ledger.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Stands in for the server's key store: one admin key, one read-only key.
    @Sendable static func verifyOwnerKey(_ key: String) async -> OwnerCheck {
        switch key {
        case ownerKey: .owner(userID: "owner-user", keyName: "owner")
        case readOnlyKey: .notAdmin
        default: .invalid
        }
    }

    // MARK: Requests

    func get(_ target: String, from address: String = "203.0.113.7") async -> HTTPResponse? {
        await server.handle(HTTPRequest(method: "GET", target: target, remoteAddress: address))
    }

    func postForm(_ path: String, _ pairs: [(String, String)], headers: HTTPHeaders = [:], from address: String = "203.0.113.7")
        async -> HTTPResponse
    {
        var headers = headers
        headers.set("Content-Type", "application/x-www-form-urlencoded")
        let request = HTTPRequest(
            method: "POST", target: path, headers: headers, body: Array(HTTPForm.encode(pairs).utf8), remoteAddress: address)
        return await server.handle(request)!
    }

    func postJSON(_ path: String, _ body: String, from address: String = "203.0.113.7") async -> HTTPResponse {
        let request = HTTPRequest(
            method: "POST", target: path, headers: ["Content-Type": "application/json"], body: Array(body.utf8),
            remoteAddress: address)
        return await server.handle(request)!
    }

    // MARK: Flow steps

    struct Client {
        var id: String
        var secret: String?
        var redirect: String
    }

    /// Registers a client and returns it; fails the test when the registration is refused.
    func register(
        redirects: [String] = ["http://127.0.0.1:51234/callback"], method: String? = nil, name: String = "Test Client",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Client {
        var fields = [
            "\"redirect_uris\":[\(redirects.map { "\"\($0)\"" }.joined(separator: ","))]", "\"client_name\":\"\(name)\"",
        ]
        if let method { fields.append("\"token_endpoint_auth_method\":\"\(method)\"") }
        let response = await postJSON("/register", "{\(fields.joined(separator: ","))}")
        try #require(response.status == 201, "registration refused: \(response.text)", sourceLocation: sourceLocation)
        let body = try response.jsonObject()
        return Client(id: try #require(body["client_id"] as? String), secret: body["client_secret"] as? String, redirect: redirects[0])
    }

    func authorizeTarget(
        _ client: Client, redirect: String? = nil, challenge: String? = nil, method: String? = "S256", resource: String? = nil,
        scope: String? = nil, state: String? = "xyz-state", path: String = "/authorize"
    ) -> String {
        var pairs = [("response_type", "code"), ("client_id", client.id), ("redirect_uri", redirect ?? client.redirect)]
        pairs.append(("code_challenge", challenge ?? PKCE.challenge(for: Harness.verifier)))
        if let method { pairs.append(("code_challenge_method", method)) }
        pairs.append(("resource", resource ?? Harness.base + "/mcp"))
        if let scope { pairs.append(("scope", scope)) }
        if let state { pairs.append(("state", state)) }
        return path + "?" + HTTPForm.encode(pairs)
    }

    static let verifier = "dBjftJeZ4CVP-mJ92K1-verifier-0123456789abcdefghijk"

    /// Opens the consent page and returns its request id.
    func consentRequestID(_ client: Client, scope: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> String
    {
        let page = try #require(await get(authorizeTarget(client, scope: scope)), sourceLocation: sourceLocation)
        try #require(page.status == 200, "no consent page: \(page.status) \(page.text)", sourceLocation: sourceLocation)
        return try #require(page.hiddenField("request_id"), sourceLocation: sourceLocation)
    }

    func submitConsent(requestID: String, clientID: String, key: String?, decision: String = "approve", from address: String = "203.0.113.7")
        async -> HTTPResponse
    {
        var pairs = [("request_id", requestID), ("client_id", clientID), ("decision", decision)]
        if let key { pairs.append(("owner_key", key)) }
        return await postForm("/authorize", pairs, from: address)
    }

    /// Runs authorize and consent with the owner key and returns the code.
    func code(for client: Client, scope: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let requestID = try await consentRequestID(client, scope: scope, sourceLocation: sourceLocation)
        let answer = await submitConsent(requestID: requestID, clientID: client.id, key: Harness.ownerKey)
        try #require(answer.status == 302, "consent failed: \(answer.status)", sourceLocation: sourceLocation)
        let query = try answer.redirectQuery()
        #expect(query["state"] == "xyz-state", sourceLocation: sourceLocation)
        return try #require(query["code"], sourceLocation: sourceLocation)
    }

    func exchange(
        _ code: String, client: Client, verifier: String = Harness.verifier, redirect: String? = nil, resource: String? = nil,
        headers: HTTPHeaders = [:]
    ) async -> HTTPResponse {
        var pairs = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect ?? client.redirect),
            ("code_verifier", verifier), ("client_id", client.id), ("resource", resource ?? Harness.base + "/mcp"),
        ]
        if let secret = client.secret { pairs.append(("client_secret", secret)) }
        return await postForm("/token", pairs, headers: headers)
    }

    func refresh(_ token: String, client: Client, scope: String? = nil) async -> HTTPResponse {
        var pairs = [("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", client.id)]
        pairs.append(("resource", Harness.base + "/mcp"))
        if let scope { pairs.append(("scope", scope)) }
        if let secret = client.secret { pairs.append(("client_secret", secret)) }
        return await postForm("/token", pairs)
    }

    struct Tokens {
        var access: String
        var refresh: String
        var scope: String
    }

    /// The whole flow up to tokens.
    func tokens(for client: Client, scope: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Tokens {
        let code = try await code(for: client, scope: scope, sourceLocation: sourceLocation)
        let response = await exchange(code, client: client)
        try #require(response.status == 200, "token failed: \(response.text)", sourceLocation: sourceLocation)
        return try response.tokens()
    }

    func validate(_ token: String) async -> TokenValidation {
        await server.validateAccessToken(token, resource: Harness.base + "/mcp")
    }

    func authEvents() throws -> [RecordedEvent] {
        try ledger.events(after: 0, limit: 10_000).filter { $0.type.hasPrefix("auth.") }
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    func jsonObject() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    /// The OAuth `error` code of a JSON error answer.
    var errorCode: String? { (try? jsonObject())?["error"] as? String }

    var location: String? { headers["Location"] }

    /// The query of the `Location` of a redirect, as a dictionary.
    func redirectQuery() throws -> [String: String] {
        let location = try #require(self.location)
        let query = location.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        return Dictionary(HTTPForm.parse(query), uniquingKeysWith: { first, _ in first })
    }

    func hiddenField(_ name: String) -> String? {
        let marker = "name=\"\(name)\" value=\""
        guard let start = text.range(of: marker) else { return nil }
        let rest = text[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    func tokens() throws -> Harness.Tokens {
        let body = try jsonObject()
        return Harness.Tokens(
            access: try #require(body["access_token"] as? String), refresh: try #require(body["refresh_token"] as? String),
            scope: try #require(body["scope"] as? String))
    }
}
