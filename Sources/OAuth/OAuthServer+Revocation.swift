import HTTP
import Ledger

extension OAuthServer {
    /// `POST /revoke` (RFC 7009): revoking a refresh token revokes its whole family; revoking an
    /// access token revokes that token. Unknown or foreign tokens still get 200, so the endpoint
    /// reveals nothing.
    func revoke(_ request: HTTPRequest) async -> HTTPResponse {
        let form = HTTPForm.parse(request.body)
        let client: OAuthClientInfo
        switch authenticateClient(request, form: form) {
        case .failure(let error): return error.response
        case .success(let found): client = found
        }
        guard let token = Self.field("token", in: form), !token.isEmpty else {
            return OAuthError.invalidRequest("token is required").response
        }
        let now = self.now
        let digest = OAuthStore.digest(token)
        let clientID = client.clientID
        let provenance = self.provenance(request, clientID: clientID, actor: nil)
        do {
            try await ledger.write { tx in
                let db = tx.db
                if let refresh = try OAuthStore.refresh(digest, in: db), refresh.clientID == clientID {
                    if try OAuthStore.revokeFamilyRows(refresh.familyID, now: now, in: db) {
                        try AuthEvents.append(
                            AuthEvents.tokenFamilyRevoked, clientID: clientID, userID: refresh.userID,
                            payload: ["family_id": .string(refresh.familyID), "reason": "revoked_by_client"],
                            provenance: provenance, in: tx)
                    }
                } else if let access = try OAuthStore.access(digest, in: db), access.clientID == clientID {
                    try OAuthStore.revokeAccess(digest, now: now, in: db)
                }
            }
        } catch {
            return OAuthError.serverError.response
        }
        return HTTPResponse(status: 200, headers: OAuthResponses.apiHeaders)
    }
}
