/// The scopes an OAuth grant may carry: `memory.read` and `memory.write`, never `admin`
/// (DESIGN.md §6 "Who may do what").
enum OAuthScopes {
    static let read = "memory.read"
    static let write = "memory.write"
    /// In the order they are written out.
    static let supported = [read, write]
    static let all = supported.joined(separator: " ")

    /// The known scopes in a space-separated request, in canonical order. Unknown values (Claude
    /// has sent `claudeai`; anyone may send `admin`) are ignored, not refused.
    static func known(in requested: String?) -> [String] {
        let words = Set((requested ?? "").split(separator: " ").map(String.init))
        return supported.filter(words.contains)
    }

    /// The scope to grant: the known requested ones within `allowed`, or all of `allowed` when the
    /// request names none that are known.
    static func grant(requested: String?, allowed: String) -> String {
        let allowedSet = Set(allowed.split(separator: " ").map(String.init))
        let known = Self.known(in: requested).filter(allowedSet.contains)
        if !known.isEmpty { return known.joined(separator: " ") }
        return supported.filter(allowedSet.contains).joined(separator: " ")
    }
}
