import JSON
import Ledger
import SQLite

/// A dynamically registered client, as `memledger clients list` shows it. Holds no secret.
public struct OAuthClientInfo: Sendable, Equatable {
    public var clientID: String
    public var clientName: String
    public var redirectURIs: [String]
    /// `none` for public clients, `client_secret_post` or `client_secret_basic` for confidential ones.
    public var authMethod: String
    public var scope: String
    public var registeredAt: Timestamp
    /// When an owner first approved it; nil until then (such clients are forgotten after 24 hours).
    public var consentedAt: Timestamp?
    public var revokedAt: Timestamp?
    /// Token families (authorizations) neither revoked nor wholly expired.
    public var activeGrants: Int

    public var isConfidential: Bool { authMethod != "none" }

    /// The client as JSON for `--json` output.
    public var json: JSONValue {
        var object: JSONObject = [
            "client_id": .string(clientID), "client_name": .string(clientName),
            "redirect_uris": .array(redirectURIs.map(JSONValue.string)), "token_endpoint_auth_method": .string(authMethod),
            "scope": .string(scope), "registered_at": .string(registeredAt.rfc3339), "active_grants": .int(Int64(activeGrants)),
        ]
        object["consented_at"] = consentedAt.map { .string($0.rfc3339) } ?? .null
        object["revoked_at"] = revokedAt.map { .string($0.rfc3339) } ?? .null
        return .object(object)
    }

    static let columns =
        "client_id, client_name, redirect_uris, auth_method, scope, registered_at, consented_at, revoked_at, secret_digest"

    /// Reads a row selected with `columns`; the secret digest is returned separately so that it
    /// never travels inside the public value.
    static func decode(_ row: Row) -> (OAuthClientInfo, secretDigest: [UInt8]?) {
        let uris = (try? JSONValue.parse(row.string(2)))?.arrayValue?.compactMap(\.stringValue) ?? []
        let info = OAuthClientInfo(
            clientID: row.string(0), clientName: row.string(1), redirectURIs: uris, authMethod: row.string(3),
            scope: row.string(4), registeredAt: Timestamp(milliseconds: row.int64(5)),
            consentedAt: row.optionalInt64(6).map(Timestamp.init(milliseconds:)),
            revokedAt: row.optionalInt64(7).map(Timestamp.init(milliseconds:)), activeGrants: 0)
        return (info, row.optionalBlob(8))
    }
}
