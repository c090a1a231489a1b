import Synchronization
import HTTP
import JSON
import Testing

@testable import Server

@Suite struct RESTAuthTests {
    @Test func missingCredentialIs401WithChallenge() async throws {
        let f = try await ServerFixture()
        for (method, path) in [("GET", "/api/v1/memories"), ("POST", "/api/v1/memories"), ("GET", "/api/v1/events"), ("POST", "/api/v1/memories/search")] {
            let answer = await f.call(method, path)
            #expect(answer.status == 401)
            #expect(answer.header("WWW-Authenticate") == "Bearer realm=\"memledger\"")
            #expect(answer.errorCode == "unauthorized")
        }
        #expect(await f.call("GET", "/api/v1/memories", headers: [("Authorization", "Basic YTpi")]).status == 401)
    }

    @Test func unknownOrRevokedKeyIs401InvalidToken() async throws {
        let f = try await ServerFixture()
        let answer = await f.call("GET", "/api/v1/memories", key: "mlk_" + String(repeating: "A", count: 43))
        #expect(answer.status == 401)
        #expect(answer.errorCode == "invalid_token")
        #expect(answer.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
        _ = try await f.app.keys.revoke(name: "reader", provenance: .init(transport: .cli))
        #expect(await f.call("GET", "/api/v1/memories", key: f.readerKey).status == 401)
    }

    @Test func oauthOnAddsResourceMetadataToChallenges() async throws {
        let f = try await ServerFixture { $0.publicBaseURL = "https://mem.example.com" }
        let answer = await f.call("GET", "/api/v1/memories")
        #expect(answer.header("WWW-Authenticate")?.contains("resource_metadata=\"https://mem.example.com/.well-known/oauth-protected-resource/mcp\"") == true)
    }

    @Test func scopesAreEnforced() async throws {
        let f = try await ServerFixture()
        let write = await f.call("POST", "/api/v1/memories", key: f.readerKey, json: ["content": "x"])
        #expect(write.status == 403)
        #expect(write.errorCode == "insufficient_scope")
        #expect(write.header("WWW-Authenticate")?.contains("scope=\"memory.write\"") == true)
        #expect(await f.call("GET", "/api/v1/memories", key: f.readerKey).status == 200)
        #expect(await f.call("POST", "/api/v1/memories/delete_bulk", key: f.writerKey, json: ["agent_id": "x"]).status == 403)
    }

    @Test func anotherUserIdNeedsAdmin() async throws {
        let f = try await ServerFixture()
        let asBob = await f.call("POST", "/api/v1/memories", key: f.writerKey, json: ["content": "x", "user_id": "bob"])
        #expect(asBob.status == 403)
        #expect(await f.call("GET", "/api/v1/memories?user_id=bob", key: f.readerKey).status == 403)
        #expect(await f.call("GET", "/api/v1/memories?user_id=alice", key: f.readerKey).status == 200)
        let admin = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "for bob", "user_id": "bob"])
        #expect(admin.status == 201)
        #expect(admin.json["user_id"] == "bob")
        let bobsList = await f.call("GET", "/api/v1/memories", key: f.bobKey)
        #expect(bobsList.json["results"]?.arrayValue?.map { $0["content"] } == ["for bob"])
        let id = try #require(admin.json["id"]?.stringValue)
        #expect(await f.call("GET", "/api/v1/memories/\(id)", key: f.readerKey).status == 404)
    }

    @Test func failedAttemptsAreRateLimitedPerAddress() async throws {
        let f = try await ServerFixture { $0.authFailuresPerMinute = 3 }
        for _ in 0..<3 {
            #expect(await f.call("GET", "/api/v1/memories", key: "mlk_wrong", remoteAddress: "10.0.0.9").status == 401)
        }
        let limited = await f.call("GET", "/api/v1/memories", key: f.ownerKey, remoteAddress: "10.0.0.9")
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") != nil)
        #expect(await f.call("GET", "/api/v1/memories", key: f.ownerKey, remoteAddress: "10.0.0.10").status == 200)
    }

    /// The failure budget is per address across REST and `/mcp`; once it is spent, `/mcp` says
    /// 429 with Retry-After too, never 401 `invalid_token` for a good credential (which would send
    /// an OAuth client off to discard its token and authorize again).
    @Test func failedAttemptsAreRateLimitedOnMCPWithA429() async throws {
        let f = try await ServerFixture { $0.authFailuresPerMinute = 3 }
        let ping: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "ping"]
        func mcp(_ key: String) async -> ServerFixture.Answer {
            await f.call("POST", "/mcp", key: key, json: ping, headers: [("MCP-Protocol-Version", "2025-11-25")], remoteAddress: "10.0.0.7")
        }
        #expect(await mcp(f.ownerKey).status == 200)
        #expect(await f.call("GET", "/api/v1/memories", key: "mlk_wrong", remoteAddress: "10.0.0.7").status == 401)
        for _ in 0..<2 { #expect(await mcp("mlk_wrong").status == 401) }
        let limited = await mcp(f.ownerKey)
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After").flatMap(Int.init).map { (1...60).contains($0) } == true)
        #expect(limited.header("WWW-Authenticate") == nil)
        #expect(await f.call("GET", "/api/v1/memories", key: f.ownerKey, remoteAddress: "10.0.0.7").status == 429)
        #expect(await f.call("POST", "/mcp", key: f.ownerKey, json: ping, headers: [("MCP-Protocol-Version", "2025-11-25")], remoteAddress: "10.0.0.8").status == 200)
    }

    @Test func forwardedForCountsOnlyWhenTrusted() async throws {
        for trusted in [false, true] {
            let f = try await ServerFixture { $0.authFailuresPerMinute = 2; $0.trustForwardedFor = trusted }
            for hop in ["1.1.1.1", "2.2.2.2"] {
                _ = await f.call("GET", "/api/v1/memories", key: "mlk_wrong", headers: [("X-Forwarded-For", hop)])
            }
            let next = await f.call("GET", "/api/v1/memories", key: f.ownerKey, headers: [("X-Forwarded-For", "3.3.3.3")])
            // Untrusted: every attempt counts against the peer (127.0.0.1), which is now over its budget.
            #expect(next.status == (trusted ? 200 : 429))
        }
    }

    @Test func limiterWindowsExpire() {
        let now = Mutex(0.0)
        let limiter = AuthFailureLimiter(limit: 2, window: 60, clock: { now.withLock { $0 } })
        limiter.recordFailure("a")
        #expect(limiter.retryAfter("a") == nil)
        limiter.recordFailure("a")
        #expect(limiter.retryAfter("a") == 60)
        now.withLock { $0 = 59.5 }
        #expect(limiter.retryAfter("a") == 1)
        now.withLock { $0 = 60 }
        #expect(limiter.retryAfter("a") == nil)
    }

    @Test func logsNeverCarryKeysOrContent() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("secret recipe: cardamom")
        _ = await f.call("GET", "/api/v1/memories?metadata.recipe=cardamom", key: f.ownerKey)
        _ = await f.call("GET", "/api/v1/memories", key: "mlk_guessed-key-value")
        let log = f.logLines.all.joined(separator: "\n")
        #expect(log.contains("\"route\":\"/api/v1/memories\""))
        #expect(!log.contains("cardamom"))
        #expect(!log.contains(f.ownerKey))
        #expect(!log.contains("guessed-key-value"))
    }
}
