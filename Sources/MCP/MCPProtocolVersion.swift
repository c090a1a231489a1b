/// The MCP protocol revisions this server speaks, and the rules that differ between them.
///
/// Revisions are date strings, so comparing them as strings orders them in time.
public enum MCPProtocolVersion {
    /// The newest revision implemented; the answer to an `initialize` asking for anything unknown.
    public static let latest = "2025-11-25"

    /// Every revision accepted in `initialize` and in the `MCP-Protocol-Version` header, newest first
    /// (checklist §2.3). 2024-11-05 is not among them: a client asking for it is offered `latest`
    /// and decides whether it can speak that (lifecycle, "Version Negotiation").
    public static let supported: [String] = ["2025-11-25", "2025-06-18", "2025-03-26"]

    /// The revision to assume when an HTTP request carries no `MCP-Protocol-Version` header
    /// (checklist §1.8: header absent and version otherwise unknown → 2025-03-26).
    public static let assumedWithoutHeader = "2025-03-26"

    public static func isSupported(_ version: String) -> Bool {
        supported.contains(version)
    }

    /// Version negotiation (checklist §2.3): echo a supported request, else offer the latest.
    public static func negotiate(_ requested: String?) -> String {
        if let requested, isSupported(requested) { return requested }
        return latest
    }

    /// JSON-RPC batches exist only up to 2025-03-26; 2025-06-18 removed them (PR #416).
    public static func allowsBatches(_ version: String) -> Bool {
        version <= "2025-03-26"
    }

    /// `structuredContent`, `outputSchema` and a tool's top-level `title` arrived in 2025-06-18.
    public static func hasStructuredContent(_ version: String) -> Bool {
        version >= "2025-06-18"
    }
}
