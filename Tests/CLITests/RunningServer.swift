import Foundation
import Testing

/// A running `memledger serve` on an ephemeral loopback port, stopped with SIGTERM when released.
/// Requests go through curl, so tests that use it need `/usr/bin/curl` (`RunningServer.available`).
final class RunningServer {
    let process: ChildProcess
    let base: String
    static let key = "mlk_test_owner_key_for_cli_tests_0123456789"
    /// The public base URL when OAuth is on: loopback, so auto-approve is allowed. The server
    /// listens elsewhere (port 0); only the issuer and the `/mcp` resource are named after it.
    static let publicBase = "http://127.0.0.1:8765"
    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

    /// - Parameter oauth: mount the authorization server at `publicBase`, approving every request.
    init(data: String, oauth: Bool = false) throws {
        process = try ChildProcess(
            memledgerBinary,
            ["serve", "--data", data, "--port", "0", "--host", "127.0.0.1"]
                + (oauth ? ["--public-base-url", Self.publicBase, "--oauth-auto-approve"] : []),
            environment: ["MEMLEDGER_API_KEY": Self.key], stdout: .nullDevice, stderr: .pipe)
        let err = process.standardError!
        var address: String?
        var buffer = Data()
        let deadline = Date().addingTimeInterval(20)
        while address == nil, Date() < deadline {
            let chunk = err.availableData
            if chunk.isEmpty { break }
            buffer += chunk
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.contains("\"listening\"") {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                address = object?["address"] as? String
            }
        }
        base = address ?? ""
        // Keep draining stderr so the server never blocks on a full pipe.
        Thread.detachNewThread { while !err.availableData.isEmpty {} }
    }

    deinit {
        process.kill(SIGTERM)
        process.wait()
    }

    /// Runs curl with `arguments` and returns its standard output.
    func curl(_ arguments: [String]) throws -> String {
        let curl = try ChildProcess("/usr/bin/curl", ["-s"] + arguments, stdout: .pipe)
        let text = String(decoding: curl.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
        curl.wait()
        return text
    }

    /// Calls the REST API (or any route) with `bearer`, the owner key by default: the status and the JSON body.
    func call(_ method: String, _ path: String, body: String? = nil, bearer: String? = RunningServer.key) throws -> (Int, [String: Any]) {
        var args = ["-o", "-", "-w", "\n%{http_code}", "-X", method, base + path]
        if let bearer { args += ["-H", "Authorization: Bearer \(bearer)"] }
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let text = try curl(args)
        let status = Int(text.split(separator: "\n").last ?? "") ?? 0
        let json = text.split(separator: "\n").dropLast().joined(separator: "\n")
        return (status, (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]) ?? [:])
    }

    /// Calls one MCP method at `/mcp` with `bearer`: the HTTP status.
    func mcp(_ method: String, bearer: String) throws -> Int {
        try call("POST", "/mcp", body: #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":{}}"#, bearer: bearer).0
    }

    /// Registers an OAuth client named `name` and runs the code flow through auto-approve (the
    /// server must run with `oauth`).
    /// - Returns: the client id and an access token for `/mcp`.
    func grant(client name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (clientID: String, token: String) {
        let redirect = "http://127.0.0.1:40123/cb"
        let resource = Self.publicBase + "/mcp"
        let (registered, client) = try call(
            "POST", "/register", body: #"{"redirect_uris":["\#(redirect)"],"client_name":"\#(name)"}"#, bearer: nil)
        try #require(registered == 201, "registration answered \(registered)", sourceLocation: sourceLocation)
        let clientID = try #require(client["client_id"] as? String, sourceLocation: sourceLocation)
        // The S256 challenge of 43 "v"s, precomputed: base64url(SHA-256(verifier)).
        let verifier = String(repeating: "v", count: 43)
        let challenge = "7w_YNF9DSfIdPf_pRjSq646_kPr-2-o9NAl16JGghdM"
        let redirectURL = try curl([
            "-o", "/dev/null", "-w", "%{redirect_url}", "-G", base + "/authorize",
            "--data-urlencode", "response_type=code", "--data-urlencode", "client_id=\(clientID)",
            "--data-urlencode", "redirect_uri=\(redirect)", "--data-urlencode", "code_challenge=\(challenge)",
            "--data-urlencode", "code_challenge_method=S256", "--data-urlencode", "scope=memory.read memory.write",
            "--data-urlencode", "resource=\(resource)",
        ])
        let code = try #require(
            URLComponents(string: redirectURL)?.queryItems?.first { $0.name == "code" }?.value, "no code in '\(redirectURL)'",
            sourceLocation: sourceLocation)
        let issued = try curl([
            "-X", "POST", base + "/token", "--data-urlencode", "grant_type=authorization_code", "--data-urlencode", "code=\(code)",
            "--data-urlencode", "redirect_uri=\(redirect)", "--data-urlencode", "code_verifier=\(verifier)",
            "--data-urlencode", "client_id=\(clientID)", "--data-urlencode", "resource=\(resource)",
        ])
        let token = try #require(
            (try? JSONSerialization.jsonObject(with: Data(issued.utf8)) as? [String: Any])?["access_token"] as? String,
            "no token in the /token answer", sourceLocation: sourceLocation)
        return (clientID, token)
    }
}
