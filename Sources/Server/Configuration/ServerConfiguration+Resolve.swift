extension ServerConfiguration {
    /// A configuration value that could not be read; the text names the flag or variable.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The flags that choose the embedder, in the order help texts list them: the same names for
    /// every command that embeds (`serve`, `mcp`, `reindex`), read by `resolve`.
    public static let embedderFlags = ["embedder", "embed-base-url", "embed-model", "embed-api-key", "model-dir"]

    /// The flags `serve` accepts (each takes a value); `--trust-forwarded-for` is a switch.
    public static let valuedFlags: Set<String> = Set(embedderFlags).union([
        "host", "port", "data", "body-limit", "content-limit", "default-user", "public-base-url", "oauth-allowed-redirect-uris",
        "log-level", "auth-failures-per-minute", "max-in-flight", "oauth-access-token-ttl", "allowed-hosts", "allowed-origins",
    ])

    /// The flags `serve` accepts without a value.
    public static let switchFlags: Set<String> = ["trust-forwarded-for", "oauth-auto-approve"]

    /// Reads flags first, then `MEMLEDGER_*` variables, then the mem0 aliases, then defaults.
    ///
    /// - Parameters:
    ///   - options: `--name value` flags without the dashes.
    ///   - switches: flags without a value.
    ///   - environment: the process environment.
    /// - Returns: the configuration and one-line notices for the operator (ignored variables).
    /// - Throws: `Problem` naming the first unreadable value.
    public static func resolve(
        options: [String: String], switches: Set<String> = [], environment: [String: String]
    ) throws(Problem) -> (ServerConfiguration, notices: [String]) {
        var c = ServerConfiguration()
        var notices: [String] = []
        func value(_ flag: String, _ names: String...) -> (String, String)? {
            if let v = options[flag] { return (v, "--\(flag)") }
            for name in names { if let v = environment[name], !v.isEmpty { return (v, name) } }
            return nil
        }
        func integer(_ flag: String, _ names: String..., range: ClosedRange<Int>) throws(Problem) -> Int? {
            var found: (String, String)?
            if let v = options[flag] { found = (v, "--\(flag)") }
            for name in names where found == nil { if let v = environment[name], !v.isEmpty { found = (v, name) } }
            guard let (text, source) = found else { return nil }
            guard let n = parseSize(text), range.contains(n) else {
                throw Problem("\(source) must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text.prefix(40))'")
            }
            return n
        }

        if let (v, _) = value("host", "MEMLEDGER_HOST") { c.host = v }
        if let n = try integer("port", "MEMLEDGER_PORT", "PORT", range: 0...65535) { c.port = n }
        if let (v, _) = value("data", "MEMLEDGER_DATA_DIR") { c.dataDirectory = v }
        if let n = try integer("body-limit", "MEMLEDGER_BODY_LIMIT", range: 1024...(1 << 30)) { c.bodyLimitBytes = n }
        if let n = try integer("content-limit", "MEMLEDGER_CONTENT_LIMIT", range: 16...(1 << 30)) { c.contentLimitBytes = n }
        if let n = try integer("auth-failures-per-minute", "MEMLEDGER_AUTH_FAILURES_PER_MINUTE", range: 1...100_000) {
            c.authFailuresPerMinute = n
        }
        if let n = try integer("max-in-flight", "MEMLEDGER_MAX_IN_FLIGHT", range: 1...100_000) { c.maxInFlight = n }
        if let (v, _) = value("default-user", "MEMLEDGER_DEFAULT_USER_ID", "MEM0_DEFAULT_USER_ID") { c.defaultUserID = v }
        c.ownerKey = environment["MEMLEDGER_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["MEM0_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let (v, source) = value("public-base-url", "MEMLEDGER_PUBLIC_URL", "MEMLEDGER_PUBLIC_BASE_URL", "PUBLIC_BASE_URL") {
            var url = v
            while url.hasSuffix("/") { url.removeLast() }
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw Problem("\(source) must start with https:// (or http:// for loopback)")
            }
            c.publicBaseURL = url
        }
        if let (v, _) = value("oauth-allowed-redirect-uris", "MEMLEDGER_OAUTH_ALLOWED_REDIRECT_URIS", "OAUTH_ALLOWED_REDIRECT_URIS") {
            c.oauthAllowedRedirectURIs = v.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        }
        if let (v, source) = value("oauth-access-token-ttl", "MEMLEDGER_OAUTH_ACCESS_TOKEN_TTL") {
            guard let seconds = Int64(v.trimmingSpaces()), (1...(365 * 86_400)).contains(seconds) else {
                throw Problem("\(source) must be a number of seconds in 1...31536000, not '\(v.prefix(40))'")
            }
            c.oauthAccessTokenTTL = seconds
        }
        if let (v, _) = value("allowed-hosts", "MEMLEDGER_ALLOWED_HOSTS") {
            c.mcpAllowedHosts = v.split(separator: ",").map { String($0).trimmingSpaces().lowercased() }.filter { !$0.isEmpty }
        }
        if let (v, _) = value("allowed-origins", "MEMLEDGER_ALLOWED_ORIGINS") {
            c.mcpAllowedOrigins = v.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        }
        c.oauthAutoApprove = switches.contains("oauth-auto-approve")
        if switches.contains("trust-forwarded-for") {
            c.trustForwardedFor = true
        } else if let (v, source) = value("trust-forwarded-for", "MEMLEDGER_TRUST_FORWARDED_FOR", "TRUST_FORWARDED_FOR") {
            guard let b = parseBool(v) else { throw Problem("\(source) must be true or false") }
            c.trustForwardedFor = b
        }
        if let (v, source) = value("log-level", "MEMLEDGER_LOG_LEVEL", "LOG_LEVEL") {
            let lowered = v.lowercased() == "warn" ? "warning" : v.lowercased()
            guard let level = LogLevel(rawValue: lowered) else {
                throw Problem("\(source) must be one of debug, info, warning, error")
            }
            c.logLevel = level
        }
        c.embedder = try embedderChoice(value: value, environment: environment)
        if environment["OAUTH_SIGNING_KEY"].map({ !$0.isEmpty }) == true {
            notices.append("OAUTH_SIGNING_KEY is ignored: memledger's tokens are opaque and stored as digests")
        }
        return (c, notices)
    }

    private static func embedderChoice(
        value: (String, String...) -> (String, String)?, environment: [String: String]
    ) throws(Problem) -> EmbedderSettings {
        let (name, source) = value("embedder", "MEMLEDGER_EMBEDDER", "MEM0_EMBED_PROVIDER") ?? ("builtin", "default")
        switch name.lowercased() {
        case "builtin", "":
            return EmbedderSettings(kind: .builtin)
        case "openai", "ollama":
            let ollama = name.lowercased() == "ollama"
            let base = value("embed-base-url", "MEMLEDGER_EMBED_BASE_URL", ollama ? "OLLAMA_BASE_URL" : "OPENAI_BASE_URL")?.0
                ?? (ollama ? "http://127.0.0.1:11434/v1" : "https://api.openai.com/v1")
            let model = value("embed-model", "MEMLEDGER_EMBED_MODEL", "MEM0_EMBED_MODEL")?.0
                ?? (ollama ? "nomic-embed-text" : "text-embedding-3-small")
            let key = value("embed-api-key", "MEMLEDGER_EMBED_API_KEY", "OPENAI_API_KEY")?.0
            return EmbedderSettings(kind: .openai, baseURL: base, model: model, apiKey: key)
        case "minilm":
            guard let (dir, _) = value("model-dir", "MEMLEDGER_MODEL_DIR") else {
                throw Problem("the minilm embedder needs --model-dir DIR (or MEMLEDGER_MODEL_DIR)")
            }
            return EmbedderSettings(kind: .minilm, modelDirectory: dir)
        default:
            throw Problem("\(source) must be builtin, openai, ollama or minilm, not '\(name.prefix(40))'")
        }
    }

    /// A byte count or plain number: `1048576`, `64k`, `2MiB`, `1m`.
    static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingSpaces().lowercased()
        let units: [(String, Int)] = [("kib", 1024), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1024), ("mb", 1 << 20),
                                      ("gb", 1 << 30), ("k", 1024), ("m", 1 << 20), ("g", 1 << 30)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = Int(t.dropLast(suffix.count)), n >= 0 else { return nil }
            let (product, overflow) = n.multipliedReportingOverflow(by: factor)
            return overflow ? nil : product
        }
        return Int(t)
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
