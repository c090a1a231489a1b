import Crypto
import HTTP
import Ledger

extension OAuthServer {
    /// `GET /authorize` (OAuth 2.1 §4.1.1). Until the client and its redirect URI are known good
    /// every error is a 400 page that redirects nowhere; after that errors go back to the client
    /// with `error` and `state`. A valid request gets the consent page (or, in test auto-approve
    /// mode, a 302 with the code).
    func authorize(_ request: HTTPRequest) async -> HTTPResponse {
        let now = self.now
        guard let clientID = request.queryValue("client_id"), !clientID.isEmpty else {
            return ConsentPage.error(
                title: "Missing client", message: "The request names no client_id. Start again from your application.", status: 400)
        }
        guard let client = liveClient(clientID, now: now) else {
            return ConsentPage.error(
                title: "Unknown application",
                message: "This application is not registered here (or its registration expired or was revoked). Reconnect it from the application.",
                status: 400)
        }
        let redirectURI: String
        if let presented = request.queryValue("redirect_uri") {
            guard client.redirectURIs.contains(where: { RedirectURI.matches(registered: $0, presented: presented) }) else {
                return ConsentPage.error(
                    title: "Unregistered redirect",
                    message: "The redirect address in this request is not one the application registered, so it was not followed.",
                    status: 400)
            }
            redirectURI = presented
        } else if client.redirectURIs.count == 1 {
            redirectURI = client.redirectURIs[0]
        } else {
            return ConsentPage.error(
                title: "Missing redirect", message: "The request names no redirect_uri and the application registered several.",
                status: 400)
        }
        let state = request.queryValue("state")
        func refuse(_ code: String, _ description: String) -> HTTPResponse {
            var pairs = [("error", code), ("error_description", description)]
            if let state { pairs.append(("state", state)) }
            return OAuthResponses.redirect(OAuthResponses.appendingQuery(redirectURI, pairs))
        }
        guard request.queryValue("response_type") == "code" else {
            return refuse("unsupported_response_type", "response_type must be code")
        }
        let challenge = request.queryValue("code_challenge") ?? ""
        guard !challenge.isEmpty else { return refuse("invalid_request", "code_challenge is required (PKCE with S256)") }
        guard request.queryValue("code_challenge_method") == "S256" else {
            return refuse("invalid_request", "code_challenge_method must be S256; plain is not supported")
        }
        guard PKCE.isWellFormed(challenge) else { return refuse("invalid_request", "code_challenge is malformed") }
        let resources = Set(request.query.filter { $0.0 == "resource" }.map { ResourceIndicator.normalize($0.1) ?? "" })
        guard resources.count <= 1, resources.first.map({ $0 == resource }) ?? true else {
            return refuse("invalid_target", "resource must be \(resource)")
        }
        let authorization = AuthorizationRequest(
            clientID: client.clientID, redirectURI: redirectURI, codeChallenge: challenge, resource: resource,
            scope: OAuthScopes.grant(requested: request.queryValue("scope"), allowed: client.scope), state: state,
            expiresAt: now + configuration.codeTTL * 1000)

        if let owner = configuration.autoApprove {
            return await grant(
                authorization, client: client, owner: owner, pendingDigest: nil,
                provenance: provenance(request, clientID: owner.name, actor: owner.name))
        }
        // Every consent page stores a pending request: bound the writes one address can cause.
        guard authorizationLimiter.record(request.remoteAddress, now: now) else {
            return ConsentPage.error(
                title: "Too many requests", message: "Too many authorization requests from this address. Wait a few minutes.",
                status: 429)
        }
        let requestID = SecureRandom.token(prefix: "mlq_", byteCount: 24)
        do {
            try await ledger.write { tx in
                try tx.db.run("DELETE FROM oauth_pending_requests WHERE expires_at <= ?", .integer(now))
                try OAuthStore.insertPending(authorization, digest: OAuthStore.digest(requestID), in: tx.db)
            }
        } catch {
            return refuse("server_error", "the authorization server failed; try again")
        }
        return ConsentPage.consent(consentForm(requestID: requestID, client: client, request: authorization))
    }

    /// `POST /authorize`: the owner's decision on the consent form. The form is bound to its
    /// stored request by an unguessable id used once, and to its client; approval needs an API key
    /// with `admin`, and refused keys are rate-limited per address.
    func submitConsent(_ request: HTTPRequest) async -> HTTPResponse {
        let now = self.now
        let address = request.remoteAddress
        if consentFailureLimiter.isLimited(address, now: now) {
            return ConsentPage.error(
                title: "Too many attempts", message: "Too many wrong keys from this address. Wait a few minutes and start again.",
                status: 429)
        }
        let form = HTTPForm.parse(request.body)
        func field(_ name: String) -> String? { form.first { $0.0 == name }?.1 }
        let requestID = field("request_id") ?? ""
        let digest = OAuthStore.digest(requestID)
        let expired = ConsentPage.error(
            title: "Request expired",
            message: "This authorization request has expired or was already answered. Start again from your application.",
            status: 400)
        guard !requestID.isEmpty, let pending = try? ledger.read({ db in try OAuthStore.pending(digest, in: db) }),
            pending.expiresAt > now, field("client_id") == pending.clientID,
            let client = liveClient(pending.clientID, now: now)
        else { return expired }

        switch field("decision") {
        case "deny":
            let provenance = self.provenance(request, clientID: client.clientID, actor: nil)
            let answered = try? await ledger.write { tx -> Bool in
                guard try tx.db.run("DELETE FROM oauth_pending_requests WHERE request_digest = ?", .blob(digest)) == 1 else {
                    return false
                }
                try AuthEvents.append(
                    AuthEvents.consentDenied, clientID: client.clientID, userID: nil,
                    payload: ["client_name": .string(client.clientName)], provenance: provenance, in: tx)
                return true
            }
            guard answered == true else { return expired }
            var pairs = [("error", "access_denied"), ("error_description", "the owner denied the request")]
            if let state = pending.state { pairs.append(("state", state)) }
            return OAuthResponses.redirect(OAuthResponses.appendingQuery(pending.redirectURI, pairs))
        case "approve":
            break
        default:
            return ConsentPage.error(title: "Bad request", message: "The form was not submitted as expected.", status: 400)
        }

        let key = (field("owner_key") ?? "").trimmingSpaces()
        let check: OwnerCheck = key.isEmpty ? .invalid : await ownerKeyVerifier(key)
        guard case .owner(let userID, let keyName) = check else {
            consentFailureLimiter.record(address, now: now)
            let problem =
                check == .notAdmin
                ? "That key may not approve applications: it needs the admin scope."
                : (key.isEmpty ? "Enter the owner API key to approve." : "That key is not valid.")
            return ConsentPage.consent(
                consentForm(requestID: requestID, client: client, request: pending), problem: problem, status: 401)
        }
        return await grant(
            pending, client: client, owner: OwnerIdentity(userID: userID, name: keyName), pendingDigest: digest,
            provenance: provenance(request, clientID: keyName, actor: keyName))
    }

    /// Issues a code for an approved request (consuming its pending row, when there is one),
    /// records the consent, and redirects to the client with `code` and `state`.
    func grant(
        _ authorization: AuthorizationRequest, client: OAuthClientInfo, owner: OwnerIdentity, pendingDigest: [UInt8]?,
        provenance: Provenance
    ) async -> HTTPResponse {
        let now = self.now
        let expiresAt = now + configuration.codeTTL * 1000
        let code: String?
        do {
            code = try await ledger.write { tx -> String? in
                if let pendingDigest {
                    guard try tx.db.run("DELETE FROM oauth_pending_requests WHERE request_digest = ?", .blob(pendingDigest)) == 1
                    else { return nil }
                }
                let code = try OAuthStore.issueCode(for: authorization, userID: owner.userID, expiresAt: expiresAt, in: tx.db)
                try OAuthStore.markConsented(client.clientID, now: now, in: tx.db)
                try AuthEvents.append(
                    AuthEvents.consentGranted, clientID: client.clientID, userID: owner.userID,
                    payload: [
                        "client_name": .string(client.clientName), "scope": .string(authorization.scope),
                        "redirect_host": .string(RedirectURI(authorization.redirectURI)?.authority ?? ""),
                    ], provenance: provenance, in: tx)
                return code
            }
        } catch {
            return ConsentPage.error(title: "Server error", message: "The authorization could not be stored. Try again.", status: 500)
        }
        guard let code else {
            return ConsentPage.error(
                title: "Request expired", message: "This authorization request was already answered. Start again from your application.",
                status: 400)
        }
        var pairs = [("code", code)]
        if let state = authorization.state { pairs.append(("state", state)) }
        return OAuthResponses.redirect(OAuthResponses.appendingQuery(authorization.redirectURI, pairs))
    }

    func consentForm(requestID: String, client: OAuthClientInfo, request: AuthorizationRequest) -> ConsentPage.Form {
        let uri = RedirectURI(request.redirectURI)
        return ConsentPage.Form(
            requestID: requestID, clientID: client.clientID, clientName: client.clientName,
            redirectHost: uri.map { $0.isOpaque ? $0.scheme + ":" : $0.authority } ?? request.redirectURI,
            redirectIsLoopback: uri?.isLoopback ?? false, scopes: request.scope.split(separator: " ").map(String.init))
    }

    /// A registered client that may still be used, or nil.
    func liveClient(_ clientID: String, now: Int64) -> OAuthClientInfo? {
        let since = now - configuration.unconsentedClientTTL * 1000
        return (try? ledger.read { db in try OAuthStore.liveClient(clientID, unconsentedSince: since, in: db) })??.0
    }
}
