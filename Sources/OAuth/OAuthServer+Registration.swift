import Crypto
import HTTP
import JSON
import Ledger

extension OAuthServer {
    /// The most redirect URIs one client may register.
    static let maxRedirectURIs = 10

    /// Dynamic client registration (RFC 7591 §3): public clients with `none`, confidential ones
    /// with `client_secret_post` or `client_secret_basic` (Claude.ai has asked for the latter,
    /// checklist §3c). Unknown fields are ignored; any disallowed redirect URI refuses the whole
    /// registration, naming it.
    func register(_ request: HTTPRequest) async -> HTTPResponse {
        let now = self.now
        guard registrationLimiter.record(request.remoteAddress, now: now) else {
            return OAuthError.rateLimited("too many client registrations from this address; try again later").response
        }
        let metadata: JSONObject
        do {
            guard let object = try JSONValue.parse(request.body).objectValue else {
                return OAuthError.invalidClientMetadata("the body must be a JSON object").response
            }
            metadata = object
        } catch {
            return OAuthError.invalidClientMetadata("the body is not valid JSON").response
        }
        let client: OAuthClientInfo
        switch validateRegistration(metadata, now: now) {
        case .failure(let error): return error.response
        case .success(let valid): client = valid
        }
        let secret = client.isConfidential ? SecureRandom.token(prefix: "mls_") : nil
        let secretDigest = secret.map(OAuthStore.digest)
        let provenance = self.provenance(request, clientID: client.clientID, actor: nil)
        let cutoff = now - configuration.unconsentedClientTTL * 1000
        do {
            try await ledger.write { tx in
                try OAuthStore.purge(now: now, unconsentedBefore: cutoff, in: tx.db)
                try OAuthStore.insertClient(client, secretDigest: secretDigest, in: tx.db)
                try AuthEvents.append(
                    AuthEvents.clientRegistered, clientID: client.clientID, userID: nil,
                    payload: [
                        "client_name": .string(client.clientName),
                        "redirect_uris": .array(client.redirectURIs.map(JSONValue.string)),
                        "token_endpoint_auth_method": .string(client.authMethod), "scope": .string(client.scope),
                    ], provenance: provenance, in: tx)
            }
        } catch {
            return OAuthError.serverError.response
        }
        var answer: JSONObject = [
            "client_id": .string(client.clientID),
            "client_id_issued_at": .int(client.registeredAt.milliseconds / 1000),
            "client_name": .string(client.clientName),
            "redirect_uris": .array(client.redirectURIs.map(JSONValue.string)),
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": .string(client.authMethod),
            "scope": .string(client.scope),
        ]
        if let secret {
            answer["client_secret"] = .string(secret)
            answer["client_secret_expires_at"] = .int(0)
        }
        return OAuthResponses.json(.object(answer), status: 201)
    }

    /// Checks registration metadata and builds the client it describes.
    func validateRegistration(_ metadata: JSONObject, now: Int64) -> Result<OAuthClientInfo, OAuthError> {
        guard let list = metadata["redirect_uris"]?.arrayValue, !list.isEmpty else {
            return .failure(.invalidRedirectURI("redirect_uris must be a non-empty array of URIs"))
        }
        guard list.count <= Self.maxRedirectURIs else {
            return .failure(.invalidRedirectURI("at most \(Self.maxRedirectURIs) redirect URIs may be registered"))
        }
        var uris: [String] = []
        for value in list {
            guard let uri = value.stringValue else {
                return .failure(.invalidRedirectURI("redirect_uris must contain only strings"))
            }
            guard redirectPolicy.allows(uri) else {
                return .failure(.invalidRedirectURI("redirect URI not allowed: \(String(uri.prefix(300)))"))
            }
            if !uris.contains(uri) { uris.append(uri) }
        }
        let method = metadata["token_endpoint_auth_method"]?.stringValue ?? "none"
        guard ["none", "client_secret_post", "client_secret_basic"].contains(method) else {
            return .failure(
                .invalidClientMetadata("token_endpoint_auth_method must be none, client_secret_post or client_secret_basic"))
        }
        if let grants = metadata["grant_types"]?.arrayValue?.compactMap(\.stringValue), !grants.isEmpty,
            !grants.contains("authorization_code")
        {
            return .failure(.invalidClientMetadata("grant_types must include authorization_code"))
        }
        if let types = metadata["response_types"]?.arrayValue?.compactMap(\.stringValue), !types.isEmpty,
            !types.contains("code")
        {
            return .failure(.invalidClientMetadata("response_types must include code"))
        }
        let scope = OAuthScopes.grant(requested: metadata["scope"]?.stringValue, allowed: OAuthScopes.all)
        return .success(
            OAuthClientInfo(
                clientID: SecureRandom.uuid(), clientName: Self.displayName(metadata["client_name"]?.stringValue),
                redirectURIs: uris, authMethod: method, scope: scope, registeredAt: Timestamp(milliseconds: now),
                consentedAt: nil, revokedAt: nil, activeGrants: 0))
    }

    /// A client name fit for the consent page and `agent_id`: control characters removed, at most
    /// 80 characters, "Unnamed client" when empty.
    static func displayName(_ name: String?) -> String {
        let cleaned = String(
            String.UnicodeScalarView((name ?? "").unicodeScalars.filter { !$0.properties.generalCategory.isControlOrFormat }))
            .trimmingSpaces()
        return cleaned.isEmpty ? "Unnamed client" : String(cleaned.prefix(80))
    }
}

extension Unicode.GeneralCategory {
    /// Control, format (bidi overrides, zero-width joiners), separators other than space, and
    /// unassigned code points: nothing a name shown to the owner needs.
    var isControlOrFormat: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse, .surrogate: true
        default: false
        }
    }
}
