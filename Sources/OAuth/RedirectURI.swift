import Foundation

/// A URI split into the parts the redirect policy compares (RFC 3986 §3), with scheme and host
/// lowercased. Deliberately strict: anything with spaces or control characters does not parse.
struct RedirectURI: Sendable, Equatable {
    var scheme: String
    /// `host` or `host:port`, lowercased; empty for opaque URIs such as `javascript:…`.
    var authority: String
    /// The host, lowercased; an IPv6 literal keeps its brackets (`[::1]`).
    var host: String
    var port: Int?
    var path: String
    var query: String?
    var fragment: String?
    /// `user@host` forms are never accepted: they are a classic way to disguise the real host.
    var hasUserInfo: Bool
    /// No `//authority` part (`data:`, `javascript:`, `mailto:`).
    var isOpaque: Bool

    init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 2048,
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { return nil }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard let first = scheme.unicodeScalars.first, ("a"..."z").contains(first),
            scheme.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) })
        else { return nil }
        self.scheme = scheme
        var rest = Substring(text[text.index(after: colon)...])
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        } else {
            fragment = nil
        }
        guard rest.hasPrefix("//") else {
            isOpaque = true
            authority = ""
            host = ""
            port = nil
            hasUserInfo = false
            if let mark = rest.firstIndex(of: "?") {
                path = String(rest[..<mark])
                query = String(rest[rest.index(after: mark)...])
            } else {
                path = String(rest)
                query = nil
            }
            return
        }
        isOpaque = false
        rest = rest.dropFirst(2)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var rawAuthority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        hasUserInfo = rawAuthority.contains("@")
        if let at = rawAuthority.lastIndex(of: "@") { rawAuthority = rawAuthority[rawAuthority.index(after: at)...] }
        let lowered = rawAuthority.lowercased()
        var hostPart = Substring(lowered)
        var portPart: Substring?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { return nil }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty { return nil }
            hostPart = hostPart[...close]
        } else if let colon = hostPart.firstIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        if let portPart {
            if portPart.isEmpty {
                port = nil
            } else {
                guard portPart.count <= 5, let value = Int(portPart), (0...65535).contains(value) else { return nil }
                port = value
            }
        } else {
            port = nil
        }
        let host = String(hostPart)
        self.host = host
        authority = port.map { "\(host):\($0)" } ?? host
        if let mark = rest.firstIndex(of: "?") {
            path = String(rest[..<mark])
            query = String(rest[rest.index(after: mark)...])
        } else {
            path = String(rest)
            query = nil
        }
    }

    /// `localhost`, `127.0.0.1` or `[::1]`: a native app's own machine (RFC 8252 §7.3).
    var isLoopback: Bool { host == "localhost" || host == "127.0.0.1" || host == "[::1]" }

    /// The URI with scheme and host in lowercase and everything else as written.
    var normalized: String {
        var out = scheme + ":"
        if !isOpaque { out += "//" + authority }
        out += path
        if let query { out += "?" + query }
        if let fragment { out += "#" + fragment }
        return out
    }

    /// Whether the path has `.` or `..` segments, written plainly or percent-encoded, which a
    /// browser would resolve out of an allowed prefix.
    var hasDotSegments: Bool {
        path.split(separator: "/", omittingEmptySubsequences: false).contains { segment in
            let decoded = segment.lowercased().replacingOccurrences(of: "%2e", with: ".")
            return decoded == "." || decoded == ".."
        }
    }

    /// Whether a redirect URI presented at `/authorize` or `/token` matches a registered one:
    /// exactly, or for loopback hosts with any port (RFC 8252 §7.3; OAuth 2.1 §4.1.1).
    static func matches(registered: String, presented: String) -> Bool {
        if registered == presented { return true }
        guard let a = RedirectURI(registered), let b = RedirectURI(presented), a.isLoopback, b.isLoopback else { return false }
        return a.scheme == b.scheme && a.host == b.host && a.path == b.path && a.query == b.query
            && a.fragment == nil && b.fragment == nil && !a.hasUserInfo && !b.hasUserInfo
    }
}
