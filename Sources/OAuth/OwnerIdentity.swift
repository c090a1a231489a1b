/// The owner an authorization is granted for: the `user_id` tokens act as and the name recorded
/// as the actor of consent events.
public struct OwnerIdentity: Sendable, Hashable {
    public var userID: String
    public var name: String

    public init(userID: String, name: String) {
        self.userID = userID
        self.name = name
    }
}
