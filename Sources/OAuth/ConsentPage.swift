import HTTP

/// The server-rendered pages of `/authorize`: the consent form and error pages. No scripts, no
/// external assets; every response forbids framing (clickjacking) and caching.
enum ConsentPage {
    static let headers: HTTPHeaders = [
        "Content-Security-Policy":
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    ]

    struct Form {
        var requestID: String
        var clientID: String
        var clientName: String
        /// `host[:port]` of the redirect URI: where the code will go.
        var redirectHost: String
        var redirectIsLoopback: Bool
        var scopes: [String]
    }

    /// The consent form; `problem` is shown above it after a refused key (status 401).
    static func consent(_ form: Form, problem: String? = nil, status: Int = 200) -> HTTPResponse {
        let scopeItems = form.scopes.map { scope in
            "<li><code>\(escape(scope))</code> — \(scope == OAuthScopes.write ? "add, change and delete memories" : "read and search memories")</li>"
        }.joined()
        let loopbackNote =
            form.redirectIsLoopback
            ? "<p class=\"warn\">This application runs on a computer, not a website: approve only if you just started it yourself.</p>"
            : ""
        let problemNote = problem.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        let body = """
            <h1>Connect \(escape(form.clientName)) to your memory?</h1>
            <p><strong>\(escape(form.clientName))</strong> asks to use this memledger server. After approval it is sent
            to <strong>\(escape(form.redirectHost))</strong>.</p>
            <p>It will be able to:</p>
            <ul>\(scopeItems)</ul>
            \(loopbackNote)
            \(problemNote)
            <form method="post" action="authorize" autocomplete="off">
              <input type="hidden" name="request_id" value="\(escape(form.requestID))">
              <input type="hidden" name="client_id" value="\(escape(form.clientID))">
              <label for="owner_key">Owner API key (with admin scope)</label>
              <input type="password" id="owner_key" name="owner_key" autocomplete="off" required>
              <div class="buttons">
                <button type="submit" name="decision" value="approve">Approve</button>
                <button type="submit" name="decision" value="deny" formnovalidate class="secondary">Deny</button>
              </div>
            </form>
            <p class="small">Only approve a connection you started yourself. You can revoke it later with
            <code>memledger clients revoke \(escape(form.clientID))</code>.</p>
            """
        return .html(page(title: "Authorize \(form.clientName)", body: body), status: status, headers: headers)
    }

    /// An error page that sends the browser nowhere (unknown client, unregistered redirect, a used
    /// or expired request).
    static func error(title: String, message: String, status: Int) -> HTTPResponse {
        let body = "<h1>\(escape(title))</h1><p>\(escape(message))</p>"
        var headers = headers
        if status == 429 { headers.set("Retry-After", "900") }
        return .html(page(title: title, body: body), status: status, headers: headers)
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · memledger</title>
        <style>
        body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}
        h1{font-size:1.4rem}label{display:block;margin-top:1rem;font-weight:600}
        input[type=password]{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
        .buttons{margin-top:1rem;display:flex;gap:.5rem}button{font:inherit;padding:.5rem 1.2rem;cursor:pointer}
        .secondary{background:#eee;border:1px solid #aaa}.error{color:#a00;font-weight:600}.warn{color:#8a5a00}
        .small{font-size:.85rem;color:#555}
        </style></head>
        <body>
        \(body)
        </body></html>
        """
    }

    /// Escapes text for HTML element content and double-quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
