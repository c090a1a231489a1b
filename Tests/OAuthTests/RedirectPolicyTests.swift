import Testing

@testable import OAuth

@Suite struct RedirectPolicyTests {
    static let defaults = try! RedirectPolicy(extraRules: [])

    @Test(arguments: [
        "https://claude.ai/api/mcp/auth_callback", "https://claude.com/api/mcp/auth_callback",
        "https://chatgpt.com/connector_platform_oauth_redirect", "https://chatgpt.com/connector/oauth/abc123",
        "https://vscode.dev/redirect", "https://insiders.vscode.dev/redirect", "http://127.0.0.1:33418/",
        "http://127.0.0.1/", "http://localhost:6274/oauth/callback", "http://[::1]:9999/cb",
        "http://127.0.0.1:1455/callback/aBcDeFgHi",
    ])
    func allowedByDefault(uri: String) {
        #expect(Self.defaults.allows(uri))
    }

    @Test(arguments: [
        "https://chatgpt.com.evil.example/connector/oauth/x",  // bug case 17
        "https://claude.ai.evil.example/api/mcp/auth_callback", "https://evil.example/api/mcp/auth_callback",
        "https://claude.ai/api/mcp/auth_callback/extra", "https://claude.ai@evil.example/api/mcp/auth_callback",
        "https://evil.example@claude.ai/api/mcp/auth_callback", "https://claude.ai/api/mcp/auth_callback#frag",
        "http://claude.ai/api/mcp/auth_callback", "https://chatgpt.com:8443/connector/oauth/x",
        "https://chatgpt.com/connector/oauth/../../evil", "https://chatgpt.com/connector/oauth/%2e%2e/evil",
        "javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "vscode://redirect", "http://192.168.1.5/cb",
        "http://localhost.evil.example/cb", "http://127.0.0.1.nip.io/cb", "", "not a uri", "https://exa mple.com/",
    ])
    func refusedByDefault(uri: String) {
        #expect(!Self.defaults.allows(uri))
    }

    @Test func extraRulesAddExactURIsAndPrefixesButNeverLookalikeHosts() throws {
        let policy = try RedirectPolicy(extraRules: ["https://app.example.com/oauth/*", "https://exact.example/cb", "myapp://callback"])
        #expect(policy.allows("https://app.example.com/oauth/done"))
        #expect(policy.allows("https://APP.example.com/oauth/done"))
        #expect(!policy.allows("https://app.example.com.evil.example/oauth/done"))
        #expect(!policy.allows("https://app.example.com/other"))
        #expect(!policy.allows("http://app.example.com/oauth/done"))
        #expect(policy.allows("https://exact.example/cb"))
        #expect(!policy.allows("https://exact.example/cb2"))
        #expect(policy.allows("myapp://callback"))
        #expect(!policy.allows("myapp://callback/other"))
    }

    @Test func anyHTTPSAllowsEveryHTTPSURIAndNothingElse() throws {
        let policy = try RedirectPolicy(extraRules: ["https://*"])
        #expect(policy.allows("https://anything.example/cb"))
        #expect(!policy.allows("http://anything.example/cb"))
        #expect(!policy.allows("javascript:alert(1)"))
    }

    @Test func aPresentedLoopbackRedirectMayUseAnyPort() {
        #expect(RedirectURI.matches(registered: "http://127.0.0.1:33418/", presented: "http://127.0.0.1:40000/"))
        #expect(RedirectURI.matches(registered: "http://localhost/callback", presented: "http://localhost:5173/callback"))
        #expect(!RedirectURI.matches(registered: "http://localhost:1/callback", presented: "http://localhost:1/other"))
        #expect(!RedirectURI.matches(registered: "http://localhost:1/callback", presented: "http://127.0.0.1:1/callback"))
        #expect(!RedirectURI.matches(registered: "https://claude.ai/api/mcp/auth_callback", presented: "https://claude.ai:444/api/mcp/auth_callback"))
    }

    @Test func unusableRulesAreRefusedAtStart() {
        #expect(throws: OAuthConfigurationError.self) { try RedirectPolicy(extraRules: ["javascript:alert(1)"]) }
        #expect(throws: OAuthConfigurationError.self) { try RedirectPolicy(extraRules: ["nohost*"]) }
    }
}
