import JSON
import Ledger

/// The security events OAuth appends to the ledger (DESIGN.md §6 "Security changes are events
/// too"): stream `auth:<client_id>`, provenance of whoever acted, and never a secret — no key,
/// token, code, verifier or client secret is ever part of a payload.
enum AuthEvents {
    static let clientRegistered = "auth.client_registered"
    static let clientRevoked = "auth.client_revoked"
    static let consentGranted = "auth.consent_granted"
    static let consentDenied = "auth.consent_denied"
    static let tokenFamilyRevoked = "auth.token_family_revoked"
    static let all = [clientRegistered, clientRevoked, consentGranted, consentDenied, tokenFamilyRevoked]

    static func stream(for clientID: String) -> String { "auth:\(clientID)" }

    static func append(
        _ type: String, clientID: String, userID: String?, payload: JSONObject, provenance: Provenance,
        in tx: LedgerTransaction
    ) throws {
        var body = payload
        body["client_id"] = .string(clientID)
        try tx.append(
            to: stream(for: clientID), events: [NewEvent(type: type, userID: userID, payload: JSONValue.object(body).serialized())],
            provenance: provenance)
    }
}
