/// What the composition layer made of the API key typed into the consent page.
///
/// The OAuth module never sees key digests: the server's key store compares them in constant
/// time and reports one of these.
public enum OwnerCheck: Sendable, Equatable {
    /// A valid key with `admin` scope, for this user; `keyName` becomes the consent's actor.
    case owner(userID: String, keyName: String)
    /// A valid key without `admin` scope: it may not approve clients.
    case notAdmin
    /// No such key (or revoked).
    case invalid
}
