/// RFC 8707 resource indicators: which values name this server's resource.
enum ResourceIndicator {
    /// The comparable form: scheme and host lowercased, one trailing slash dropped. Nil when the
    /// value is not an absolute http(s) URI without fragment.
    static func normalize(_ value: String) -> String? {
        guard let uri = RedirectURI(value), uri.scheme == "http" || uri.scheme == "https", !uri.host.isEmpty,
            uri.fragment == nil, !uri.hasUserInfo
        else { return nil }
        var path = uri.path
        if path.hasSuffix("/") { path.removeLast() }
        return uri.scheme + "://" + uri.authority + path + (uri.query.map { "?" + $0 } ?? "")
    }
}
