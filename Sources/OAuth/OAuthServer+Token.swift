import Crypto
import HTTP
import JSON
import Ledger

extension OAuthServer {
    /// `POST /token` (OAuth 2.1 §3.2): the authorization code and refresh token grants.
    func token(_ request: HTTPRequest) async -> HTTPResponse {
        let form = HTTPForm.parse(request.body)
        let client: OAuthClientInfo
        switch authenticateClient(request, form: form) {
        case .failure(let error): return error.response
        case .success(let found): client = found
        }
        let result: Result<JSONValue, OAuthError>
        switch Self.field("grant_type", in: form) {
        case "authorization_code": result = await exchangeCode(form, client: client, request: request)
        case "refresh_token": result = await refresh(form, client: client, request: request)
        case nil: result = .failure(.invalidRequest("grant_type is required"))
        default: result = .failure(.unsupportedGrantType("grant_type must be authorization_code or refresh_token"))
        }
        switch result {
        case .failure(let error): return error.response
        case .success(let body): return OAuthResponses.json(body)
        }
    }

    static func field(_ name: String, in form: [(String, String)]) -> String? {
        form.first { $0.0 == name }?.1
    }

    /// Client authentication at the token and revocation endpoints (RFC 6749 §2.3): `client_id`
    /// alone for public clients; the secret by HTTP Basic or in the body for confidential ones,
    /// its digest compared in constant time. Every failure is 401 `invalid_client`, on which
    /// Claude registers again.
    func authenticateClient(_ request: HTTPRequest, form: [(String, String)]) -> Result<OAuthClientInfo, OAuthError> {
        var clientID = Self.field("client_id", in: form)
        var secret = Self.field("client_secret", in: form)
        var usedBasic = false
        if let authorization = request.headers["Authorization"], authorization.lowercased().hasPrefix("basic ") {
            usedBasic = true
            guard let decoded = Base64.decode(String(authorization.dropFirst(6)).trimmingSpaces()),
                let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":"),
                let id = HTTPForm.percentDecode(text[..<colon].replacingOccurrences(of: "+", with: " ")),
                let password = HTTPForm.percentDecode(text[text.index(after: colon)...].replacingOccurrences(of: "+", with: " "))
            else {
                return .failure(.invalidClient("malformed HTTP Basic client credentials", basic: true))
            }
            if let clientID, clientID != id {
                return .failure(.invalidRequest("client_id in the body differs from the authenticated client"))
            }
            clientID = id
            secret = password
        }
        guard let clientID, !clientID.isEmpty else {
            return .failure(.invalidClient("client authentication is required (client_id)", basic: usedBasic))
        }
        let since = now - configuration.unconsentedClientTTL * 1000
        guard let (client, secretDigest) = (try? ledger.read({ db in try OAuthStore.liveClient(clientID, unconsentedSince: since, in: db) })) ?? nil else {
            return .failure(.invalidClient("unknown client; register again", basic: usedBasic))
        }
        if client.isConfidential {
            guard let secret, let secretDigest, constantTimeEquals(OAuthStore.digest(secret), secretDigest) else {
                return .failure(.invalidClient("client authentication failed", basic: usedBasic))
            }
        }
        return .success(client)
    }

    /// The token response (RFC 6749 §5.1).
    func tokenResponse(access: String, refresh: String, scope: String) -> JSONValue {
        [
            "access_token": .string(access), "token_type": "Bearer", "expires_in": .int(configuration.accessTokenTTL),
            "refresh_token": .string(refresh), "scope": .string(scope),
        ]
    }

    /// Checks an optional `resource` parameter against the protected resource (RFC 8707 §2.2).
    func checkResource(_ form: [(String, String)], expected: String) -> OAuthError? {
        let values = Set(form.filter { $0.0 == "resource" }.map { ResourceIndicator.normalize($0.1) ?? "" })
        guard values.count <= 1, values.first.map({ $0 == expected }) ?? true else {
            return .invalidTarget("resource must be \(resource)")
        }
        return nil
    }

    /// The authorization code grant: single use, bound to client, redirect URI, PKCE challenge,
    /// resource and scope; a replayed code revokes the tokens issued from it.
    func exchangeCode(_ form: [(String, String)], client: OAuthClientInfo, request: HTTPRequest) async -> Result<JSONValue, OAuthError> {
        guard let code = Self.field("code", in: form), !code.isEmpty else { return .failure(.invalidRequest("code is required")) }
        guard let verifier = Self.field("code_verifier", in: form), !verifier.isEmpty else {
            return .failure(.invalidRequest("code_verifier is required (PKCE)"))
        }
        guard let redirectURI = Self.field("redirect_uri", in: form) else {
            return .failure(.invalidRequest("redirect_uri is required"))
        }
        let requestedResources = form.filter { $0.0 == "resource" }.map { ResourceIndicator.normalize($0.1) ?? "" }
        let now = self.now
        let configuration = self.configuration
        let digest = OAuthStore.digest(code)
        let provenance = self.provenance(request, clientID: client.clientID, actor: nil)
        let clientID = client.clientID
        do {
            return try await ledger.write { tx -> Result<JSONValue, OAuthError> in
                let db = tx.db
                guard let stored = try OAuthStore.code(digest, in: db), stored.clientID == clientID else {
                    return .failure(.invalidGrant("the authorization code is not valid"))
                }
                if stored.usedAt != nil {
                    if let family = stored.familyID, try OAuthStore.revokeFamilyRows(family, now: now, in: db) {
                        try AuthEvents.append(
                            AuthEvents.tokenFamilyRevoked, clientID: clientID, userID: stored.userID,
                            payload: ["family_id": .string(family), "reason": "authorization_code_reused"], provenance: provenance,
                            in: tx)
                    }
                    return .failure(.invalidGrant("the authorization code was already used; tokens issued from it are revoked"))
                }
                // Single use: the first presentation consumes the code whatever its outcome.
                try OAuthStore.markCodeUsed(digest, now: now, familyID: nil, in: db)
                guard stored.expiresAt > now else { return .failure(.invalidGrant("the authorization code has expired")) }
                guard redirectURI == stored.redirectURI else {
                    return .failure(.invalidGrant("redirect_uri does not match the authorization request"))
                }
                guard Set(requestedResources).count <= 1, requestedResources.allSatisfy({ $0 == stored.resource }) else {
                    return .failure(.invalidTarget("resource must be \(stored.resource)"))
                }
                guard PKCE.verify(verifier: verifier, challenge: stored.codeChallenge) else {
                    return .failure(.invalidGrant("code_verifier does not match the code_challenge"))
                }
                let family = try OAuthStore.createFamily(
                    clientID: clientID, userID: stored.userID, scope: stored.scope, resource: stored.resource, now: now, in: db)
                try OAuthStore.markCodeUsed(digest, now: now, familyID: family, in: db)
                let tokens = try OAuthStore.issueTokens(
                    familyID: family, scope: stored.scope, accessExpiresAt: now + configuration.accessTokenTTL * 1000,
                    refreshExpiresAt: now + configuration.refreshTokenTTL * 1000, in: db)
                return .success(self.tokenResponse(access: tokens.access, refresh: tokens.refresh, scope: stored.scope))
            }
        } catch {
            return .failure(.serverError)
        }
    }

    /// The refresh token grant: every use rotates the token; the token just rotated out still
    /// works during the grace window (concurrent refreshes), and any later reuse revokes its whole
    /// family (OAuth 2.1 §4.3.1, checklist §3f).
    func refresh(_ form: [(String, String)], client: OAuthClientInfo, request: HTTPRequest) async -> Result<JSONValue, OAuthError> {
        guard let refreshToken = Self.field("refresh_token", in: form), !refreshToken.isEmpty else {
            return .failure(.invalidRequest("refresh_token is required"))
        }
        let now = self.now
        let configuration = self.configuration
        let digest = OAuthStore.digest(refreshToken)
        let provenance = self.provenance(request, clientID: client.clientID, actor: nil)
        let clientID = client.clientID
        let requestedScope = Self.field("scope", in: form)
        do {
            return try await ledger.write { tx -> Result<JSONValue, OAuthError> in
                let db = tx.db
                guard let stored = try OAuthStore.refresh(digest, in: db), stored.clientID == clientID, !stored.familyRevoked else {
                    return .failure(.invalidGrant("the refresh token is not valid"))
                }
                if let rotatedAt = stored.rotatedAt, now - rotatedAt > configuration.refreshGraceSeconds * 1000 {
                    try OAuthStore.revokeFamilyRows(stored.familyID, now: now, in: db)
                    try AuthEvents.append(
                        AuthEvents.tokenFamilyRevoked, clientID: clientID, userID: stored.userID,
                        payload: ["family_id": .string(stored.familyID), "reason": "refresh_token_reused"],
                        provenance: provenance, in: tx)
                    return .failure(.invalidGrant("the refresh token was already used; its authorization is revoked"))
                }
                guard stored.expiresAt > now else { return .failure(.invalidGrant("the refresh token has expired")) }
                if let error = self.checkResource(form, expected: stored.resource) { return .failure(error) }
                let granted = Set(stored.scope.split(separator: " ").map(String.init))
                let asked = OAuthScopes.known(in: requestedScope)
                guard asked.allSatisfy(granted.contains) else {
                    return .failure(.invalidScope("the requested scope exceeds the original grant"))
                }
                let scope = asked.isEmpty ? stored.scope : asked.joined(separator: " ")
                try OAuthStore.markRotated(digest, now: now, in: db)
                let tokens = try OAuthStore.issueTokens(
                    familyID: stored.familyID, scope: scope, accessExpiresAt: now + configuration.accessTokenTTL * 1000,
                    refreshExpiresAt: now + configuration.refreshTokenTTL * 1000, in: db)
                return .success(self.tokenResponse(access: tokens.access, refresh: tokens.refresh, scope: scope))
            }
        } catch {
            return .failure(.serverError)
        }
    }
}
