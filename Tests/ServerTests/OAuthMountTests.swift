import HTTP
import JSON
import Testing

@testable import Server

@Suite struct OAuthMountTests {
    @Test func offWithoutABaseURLAndMetadataIs404() async throws {
        let f = try await ServerFixture()
        #expect(try OAuthMount.make(f.app.configuration, service: f.service, autoApprove: false) == nil)
        #expect(await f.call("GET", "/.well-known/oauth-protected-resource/mcp").status == 404)
        #expect(await f.call("GET", "/.well-known/oauth-authorization-server").status == 404)
    }

    @Test func onWithABaseURLServesMetadataAndChallenges() async throws {
        let f = try await ServerFixture { $0.publicBaseURL = "http://127.0.0.1:8765" }
        let mount = try #require(try OAuthMount.make(f.app.configuration, service: f.service, autoApprove: false))
        let app = ServerApplication(configuration: f.app.configuration, service: f.service, oauth: mount, log: AccessLog(level: .error))
        let metadata = await app.handle(HTTPRequest(method: "GET", target: "/.well-known/oauth-protected-resource/mcp"))
        #expect(metadata.status == 200)
        #expect(try JSONValue.parse(metadata.body)["resource"] == "http://127.0.0.1:8765/mcp")
        let anonymous = await app.handle(HTTPRequest(
            method: "POST", target: "/mcp", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8)))
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["WWW-Authenticate"]?.contains("resource_metadata=\"http://127.0.0.1:8765/.well-known/oauth-protected-resource/mcp\"") == true)
        #expect(anonymous.headers["WWW-Authenticate"]?.contains("scope=") == true)
        // REST never takes an OAuth token, even a well-formed one.
        let rest = await app.handle(HTTPRequest(method: "GET", target: "/api/v1/memories", headers: ["Authorization": "Bearer mla_whatever"]))
        #expect(rest.status == 401)
        #expect(await app.handle(HTTPRequest(method: "GET", target: "/api/v1/memories", headers: ["Authorization": "Bearer \(f.readerKey)"])).status == 200)
    }

    @Test func autoApproveIsRefusedOffLoopback() async throws {
        let f = try await ServerFixture { $0.publicBaseURL = "https://memory.example.com" }
        #expect(throws: (any Error).self) { _ = try OAuthMount.make(f.app.configuration, service: f.service, autoApprove: true) }
    }
}
