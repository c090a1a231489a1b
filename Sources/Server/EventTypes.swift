import JSON
import Memory
import OAuth

/// Every event type memledger appends: the memory domain's, the API keys' and OAuth's. The event
/// filters of `GET /api/v1/events` and `memledger audit` accept these and refuse any other name.
public enum EventTypes {
    public static let known = MemoryService.eventTypes + APIKeyStore.eventTypes + OAuthAdministration.eventTypes

    /// The full type a filter names: `memory.` is implied when the name has no dot (`added`).
    /// - Returns: nil for a name that is not a known type.
    public static func named(_ name: some StringProtocol) -> String? {
        let lowered = name.lowercased()
        let type = lowered.contains(".") ? lowered : "memory.\(lowered)"
        return known.contains(type) ? type : nil
    }

    /// Why `name` is not a type `named` takes, naming the one probably meant and every known one.
    public static func refusal(of name: some StringProtocol) -> String {
        guard !name.isEmpty else { return "an empty event type in the list (a stray comma?)" }
        let short = MemoryService.eventTypes.map { String($0.dropFirst("memory.".count)) }
        let hint = NearMiss.meant(String(name), among: short + known).map { "did you mean '\($0)'? " } ?? ""
        return "unknown event type '\(name)'; \(hint)known types: \(known.joined(separator: ", ")) (the memory. prefix may be left out)"
    }
}
