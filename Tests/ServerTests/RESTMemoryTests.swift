import HTTP
import JSON
import Testing

@testable import Server

/// Every memory route and its statuses, driven in process.
@Suite struct RESTMemoryTests {
    @Test func addGetUpdateDeleteRoundTrip() async throws {
        let f = try await ServerFixture()
        let added = try await f.add("likes green tea", agent: "codex", metadata: ["source": "chat"])
        let id = try #require(added["id"]?.stringValue)
        #expect(added["deduplicated"] == false)
        #expect(added["agent_id"] == "codex")
        #expect(added["user_id"] == "alice")
        #expect(added["created_by"]?["client_id"] == "owner")

        let got = await f.call("GET", "/api/v1/memories/\(id)", key: f.readerKey)
        #expect(got.status == 200)
        #expect(got.json["content"] == "likes green tea")
        #expect(got.header("ETag") == "\"1\"")

        let updated = await f.call("PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": "likes black tea"])
        #expect(updated.status == 200)
        #expect(updated.json["version"] == 2)
        #expect(updated.json["created_at"] == added["created_at"])
        #expect(updated.json["updated_by"]?["client_id"] == "writer")

        let deleted = await f.call("DELETE", "/api/v1/memories/\(id)", key: f.writerKey)
        #expect(deleted.status == 200)
        #expect(deleted.json["deleted"] == true)
        #expect(await f.call("GET", "/api/v1/memories/\(id)", key: f.ownerKey).status == 404)
        #expect(await f.call("DELETE", "/api/v1/memories/\(id)", key: f.ownerKey).status == 404)
    }

    @Test func exactRepeatAnswersTheExistingMemory() async throws {
        let f = try await ServerFixture()
        let first = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "Prefers  dark mode"])
        let second = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "prefers dark mode"])
        #expect(first.status == 201)
        #expect(second.status == 200)
        #expect(second.json["deduplicated"] == true)
        #expect(second.json["id"] == first.json["id"])
    }

    @Test func messagesBecomeOneMemoryEach() async throws {
        let f = try await ServerFixture()
        let answer = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: [
            "messages": [["role": "user", "content": "I live in Lyon"], ["role": "assistant", "content": "Noted: Lyon"]],
        ])
        #expect(answer.status == 201)
        #expect(answer.json["results"]?.arrayValue?.count == 2)
    }

    static let badBodies: [(JSONValue, Int, String)] = [
        (JSONValue.object([:]), 422, "validation_error"),
        (JSONValue.object(["content": .int(42)]), 422, "validation_error"),
        (JSONValue.object(["content": .string("   ")]), 400, "invalid_argument"),
        (JSONValue.object(["messages": .array([])]), 422, "validation_error"),
        (JSONValue.object(["messages": .array([.object(["role": .string("user")])])]), 422, "validation_error"),
        (JSONValue.object(["content": .string("x"), "metadata": .string("not an object")]), 422, "validation_error"),
        (JSONValue.object(["content": .string("x"), "dedup": .string("yes")]), 422, "validation_error"),
        (JSONValue.object(["content": .string("x"), "user_id": .string("")]), 422, "validation_error"),
        (JSONValue.array([]), 422, "validation_error"),
    ]

    @Test(arguments: RESTMemoryTests.badBodies)
    func badAddBodies(body: JSONValue, status: Int, code: String) async throws {
        let f = try await ServerFixture()
        let answer = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: body)
        #expect(answer.status == status)
        #expect(answer.errorCode == code)
        #expect(answer.json["request_id"]?.stringValue == answer.header("X-Request-Id"))
    }

    @Test func malformedJSONIs400AndWrongMediaTypeIs415() async throws {
        let f = try await ServerFixture()
        let broken = await f.call("POST", "/api/v1/memories", key: f.ownerKey, raw: Array(#"{"content": "#.utf8), headers: [("Content-Type", "application/json")])
        #expect(broken.status == 400)
        #expect(broken.errorCode == "invalid_json")
        let form = await f.call("POST", "/api/v1/memories", key: f.ownerKey, raw: Array("content=x".utf8), headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(form.status == 415)
        let untyped = await f.call("POST", "/api/v1/memories", key: f.ownerKey, raw: Array(#"{"content":"no type header"}"#.utf8))
        #expect(untyped.status == 201)
    }

    @Test func contentOverTheLimitNamesIt() async throws {
        let f = try await ServerFixture { $0.contentLimitBytes = 1000 }
        let answer = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": .string(String(repeating: "a", count: 1001))])
        #expect(answer.status == 422)
        #expect(answer.errorCode == "content_too_large")
        #expect(answer.json["detail"]?.stringValue?.contains("1000") == true)
        #expect(!answer.text.contains("aaaa"))
    }

    @Test func listPagesWithHasMoreAndTotal() async throws {
        let f = try await ServerFixture()
        for i in 0..<7 { _ = try await f.add("fact number \(i)", agent: i < 3 ? "a" : "b") }
        let page = await f.call("GET", "/api/v1/memories?limit=5&offset=0", key: f.readerKey)
        #expect(page.status == 200)
        #expect(page.json["results"]?.arrayValue?.count == 5)
        #expect(page.json["pagination"] == ["limit": 5, "offset": 0, "has_more": true, "total": 7])
        let next = await f.call("GET", "/api/v1/memories?limit=5&offset=5", key: f.readerKey)
        #expect(next.json["results"]?.arrayValue?.count == 2)
        #expect(next.json["pagination"]?["has_more"] == false)
        let filtered = await f.call("GET", "/api/v1/memories?agent_id=a", key: f.readerKey)
        #expect(filtered.json["results"]?.arrayValue?.count == 3)
        #expect(await f.call("GET", "/api/v1/memories", key: f.readerKey).json["pagination"]?["limit"] == 50)
    }

    @Test func listFiltersOnMetadata() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("food a", metadata: ["food": "a"])
        _ = try await f.add("food b", metadata: ["food": "b"])
        let dotted = await f.call("GET", "/api/v1/memories?metadata.food=a", key: f.readerKey)
        #expect(dotted.json["results"]?.arrayValue?.map { $0["content"] } == ["food a"])
        let object = await f.call("GET", "/api/v1/memories?metadata=%7B%22food%22%3A%22b%22%7D", key: f.readerKey)
        #expect(object.json["results"]?.arrayValue?.map { $0["content"] } == ["food b"])
    }

    @Test(arguments: ["limit=0", "limit=101", "limit=abc", "offset=-1", "created_after=yesterday", "metadata=%5B1%5D"])
    func badListParametersAre422(query: String) async throws {
        let f = try await ServerFixture()
        let answer = await f.call("GET", "/api/v1/memories?\(query)", key: f.readerKey)
        #expect(answer.status == 422)
    }

    @Test func ifMatchMismatchIs412AndMatchUpdates() async throws {
        let f = try await ServerFixture()
        let id = try #require(try await f.add("version one")["id"]?.stringValue)
        let stale = await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "v2"], headers: [("If-Match", "\"7\"")])
        #expect(stale.status == 412)
        #expect(stale.errorCode == "precondition_failed")
        let fresh = await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "v2"], headers: [("If-Match", "\"1\"")])
        #expect(fresh.status == 200)
        #expect(fresh.header("ETag") == "\"2\"")
        let garbage = await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "v3"], headers: [("If-Match", "soon")])
        #expect(garbage.status == 400)
        #expect(await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: [:]).status == 422)
    }

    /// 409 `conflict`: a change that would make a memory a duplicate of another live one, a
    /// deliberate non-deduplicated repeat, and restoring a memory that is not deleted.
    @Test func aChangeThatWouldDuplicateAnotherMemoryIs409Conflict() async throws {
        let f = try await ServerFixture()
        let tea = try #require(try await f.add("likes green tea")["id"]?.stringValue)
        let coffee = try #require(try await f.add("likes coffee")["id"]?.stringValue)
        let update = await f.call("PUT", "/api/v1/memories/\(coffee)", key: f.writerKey, json: ["content": "Likes  GREEN tea"])
        update.expectError(409, "conflict")
        #expect(update.json["detail"]?.stringValue?.contains(tea) == true, "the answer names the memory that has the content")
        #expect(await f.call("GET", "/api/v1/memories/\(coffee)", key: f.readerKey).json["version"] == 1, "nothing was appended")

        await f.call("POST", "/api/v1/memories", key: f.writerKey, json: ["content": "likes green tea", "dedup": false]).expectError(409, "conflict")
        await f.call("POST", "/api/v1/memories/\(tea)/restore", key: f.writerKey).expectError(409, "conflict")
        #expect(await f.call("GET", "/api/v1/memories", key: f.readerKey).json["pagination"]?["total"] == 2)
    }

    /// `version_conflict` (409) cannot reach REST: an update reads the memory's version and appends
    /// in one `BEGIN IMMEDIATE` transaction, so a stale `If-Match` is always caught as 412 and an
    /// update without one always lands on the version it read. Racing writers show both.
    @Test func racingConditionalUpdatesGetOne200AndOtherwise412NeverA409() async throws {
        let f = try await ServerFixture()
        let id = try #require(try await f.add("draft zero")["id"]?.stringValue)
        let conditional = await withTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask {
                    await f.call("PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": .string("draft \(i + 1)")],
                                 headers: [("If-Match", "\"1\"")]).status
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(conditional.sorted() == [200] + Array(repeating: 412, count: 7))

        let unconditional = await withTaskGroup(of: JSONValue.self) { group in
            for i in 0..<8 {
                group.addTask {
                    await f.call("PUT", "/api/v1/memories/\(id)", key: f.writerKey, json: ["content": .string("edit \(i)")]).json
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(unconditional.allSatisfy { $0["error"] == nil })
        #expect(Set(unconditional.compactMap { $0["version"]?.intValue }) == Set<Int64>(3...10), "each update landed on its own version")
        #expect(await f.call("GET", "/api/v1/memories/\(id)/history", key: f.readerKey).json["history"]?.arrayValue?.count == 10)
    }

    @Test func idempotencyKeyReturnsTheFirstAnswerAndRefusesAnotherRequest() async throws {
        let f = try await ServerFixture()
        let headers = [("Idempotency-Key", "req-42")]
        let first = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "booked the 9:40 train"], headers: headers)
        let retry = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "booked the 9:40 train"], headers: headers)
        #expect(first.status == 201)
        #expect(retry.json["id"] == first.json["id"])
        #expect(await f.call("GET", "/api/v1/memories", key: f.ownerKey).json["pagination"]?["total"] == 1)
        let other = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "something else"], headers: headers)
        #expect(other.status == 422)
        #expect(other.errorCode == "idempotency_key_reused")
        let bad = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "x"], headers: [("Idempotency-Key", String(repeating: "k", count: 300))])
        #expect(bad.status == 400)
    }

    @Test func historyRestoreRevertAndRedact() async throws {
        let f = try await ServerFixture()
        let id = try #require(try await f.add("my age is 41")["id"]?.stringValue)
        _ = await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "my age is 43"])
        let reverted = await f.call("POST", "/api/v1/memories/\(id)/revert", key: f.writerKey, json: ["version": 1])
        #expect(reverted.status == 200)
        #expect(reverted.json["content"] == "my age is 41")
        #expect(await f.call("POST", "/api/v1/memories/\(id)/revert", key: f.writerKey, json: ["version": 99]).status == 400)
        #expect(await f.call("POST", "/api/v1/memories/\(id)/revert", key: f.writerKey, json: [:]).status == 422)
        _ = await f.call("DELETE", "/api/v1/memories/\(id)", key: f.ownerKey)
        let restored = await f.call("POST", "/api/v1/memories/\(id)/restore", key: f.writerKey)
        #expect(restored.status == 200)
        #expect(restored.json["content"] == "my age is 41")

        let history = await f.call("GET", "/api/v1/memories/\(id)/history", key: f.readerKey)
        #expect(history.status == 200)
        let entries = try #require(history.json["history"]?.arrayValue)
        #expect(entries.count == 5)
        #expect(entries[1]["previous_content"] == "my age is 41")
        #expect(entries.allSatisfy { $0["created_at"]?.stringValue?.hasSuffix("Z") == true })

        let forbidden = await f.call("POST", "/api/v1/memories/\(id)/redact", key: f.writerKey, json: ["reason": "gdpr"])
        #expect(forbidden.status == 403)
        let redacted = await f.call("POST", "/api/v1/memories/\(id)/redact", key: f.ownerKey, json: ["reason": "gdpr"])
        #expect(redacted.status == 200)
        #expect(redacted.json["redacted"] == [.string(id)])
        let after = await f.call("GET", "/api/v1/memories/\(id)/history", key: f.ownerKey)
        #expect(!after.text.contains("my age"))
    }

    @Test func unknownIdsAre404OnEveryRoute() async throws {
        let f = try await ServerFixture()
        let ghost = "0191e4a0-0000-7000-8000-000000000000"
        for id in [ghost, "not-an-id", "%00", "..", String(repeating: "x", count: 500)] {
            #expect(await f.call("GET", "/api/v1/memories/\(id)", key: f.ownerKey).status == 404)
            #expect(await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "x"]).status == 404)
            #expect(await f.call("DELETE", "/api/v1/memories/\(id)", key: f.ownerKey).status == 404)
            #expect(await f.call("GET", "/api/v1/memories/\(id)/history", key: f.ownerKey).status == 404)
            #expect(await f.call("POST", "/api/v1/memories/\(id)/restore", key: f.ownerKey).status == 404)
            #expect(await f.call("POST", "/api/v1/memories/\(id)/revert", key: f.ownerKey, json: ["version": 1]).status == 404)
            #expect(await f.call("POST", "/api/v1/memories/\(id)/redact", key: f.ownerKey).status == 404)
        }
    }

    @Test func bulkDeleteIsADryRunUnlessConfirmedAndNeedsAFilter() async throws {
        let f = try await ServerFixture()
        for i in 0..<4 { _ = try await f.add("a \(i)", agent: "A") }
        _ = try await f.add("b", agent: "B")
        #expect(await f.call("POST", "/api/v1/memories/delete_bulk", key: f.ownerKey, json: [:]).status == 400)
        #expect(await f.call("POST", "/api/v1/memories/delete_bulk", key: f.ownerKey, json: ["user_id": "alice"]).status == 400)
        #expect(await f.call("POST", "/api/v1/memories/delete_bulk", key: f.writerKey, json: ["agent_id": "A"]).status == 403)
        let dry = await f.call("POST", "/api/v1/memories/delete_bulk", key: f.ownerKey, json: ["agent_id": "A"])
        #expect(dry.json == ["matched": 4, "deleted": 0, "dry_run": true])
        let real = await f.call("POST", "/api/v1/memories/delete_bulk", key: f.ownerKey, json: ["agent_id": "A", "confirm": true])
        #expect(real.json == ["matched": 4, "deleted": 4, "dry_run": false])
        #expect(await f.call("GET", "/api/v1/memories", key: f.ownerKey).json["pagination"]?["total"] == 1)
    }

    @Test func searchRefusesBlankQueriesAndBadLimits() async throws {
        let f = try await ServerFixture()
        let blank = await f.call("POST", "/api/v1/memories/search", key: f.readerKey, json: ["query": "   "])
        #expect(blank.status == 400)
        #expect(await f.call("POST", "/api/v1/memories/search", key: f.readerKey, json: [:]).status == 422)
        #expect(await f.call("POST", "/api/v1/memories/search", key: f.readerKey, json: ["query": "tea", "limit": 0]).status == 422)
        #expect(await f.call("POST", "/api/v1/memories/search", key: f.readerKey, json: ["query": "tea", "limit": 101]).status == 422)
    }
}
