import JSON
import Testing

@testable import Server

/// A field or parameter a route does not take is either refused with the one meant (when it looks like a
/// misspelling) or, in a JSON body, ignored (mem0 clients send fields of their own); never does a
/// misspelling silently change what a request does.
@Suite struct RESTMisspellingTests {
    @Test(arguments: [
        ("agentid", "agent_id"), ("agent", "agent_id"), ("Agent-ID", "agent_id"), ("user", "user_id"), ("filter", "filters"),
        ("message", "messages"), ("contents", "content"), ("meta_data", "metadata"), ("agnet_id", "agent_id"),
    ])
    func nearMissesNameTheFieldMeant(typed: String, meant: String) {
        let fields = Endpoints.addFields.union(Endpoints.searchFields)
        #expect(NearMiss.meant(typed, among: fields) == meant)
    }

    /// Fields the mem0 clients and server send are not taken for misspellings of ours.
    @Test func mem0sOwnFieldsAreNotNearMisses() {
        let mem0 = ["infer", "output_format", "version", "org_id", "project_id", "app_id", "async_mode", "enable_graph",
                    "timestamp", "includes", "excludes", "immutable", "expiration_date", "custom_categories",
                    "rerank", "keyword_search", "fields"]
        for field in mem0 {
            #expect(NearMiss.meant(field, among: Endpoints.addFields.union(Endpoints.searchFields)) == nil, "\(field) → \(NearMiss.meant(field, among: Endpoints.addFields.union(Endpoints.searchFields)) ?? "")")
        }
    }

    @Test func aMisspeltBodyFieldIsRefusedNamingTheOneMeant() async throws {
        let f = try await ServerFixture()
        let add = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: ["content": "likes tea", "agentid": "codex"])
        #expect(add.status == 422)
        #expect(add.json["detail"] == "unknown field 'agentid'; did you mean 'agent_id'?")
        let id = try #require(try await f.add("likes tea")["id"]?.stringValue)
        let put = await f.call("PUT", "/api/v1/memories/\(id)", key: f.ownerKey, json: ["content": "likes coffee", "agent": "codex"])
        #expect(put.status == 422 && put.json["detail"]?.stringValue?.contains("'agent_id'") == true)
        let search = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "tea", "filter": ["agent_id": "codex"]])
        #expect(search.status == 422 && search.json["detail"]?.stringValue?.contains("'filters'") == true)
        // Nothing was stored or changed by the refused requests.
        #expect(await f.call("GET", "/api/v1/memories/\(id)", key: f.ownerKey).json["version"] == 1)
        #expect(await f.call("GET", "/api/v1/memories", key: f.ownerKey).json["pagination"]?["total"] == 1)
    }

    @Test func mem0ClientFieldsAreIgnored() async throws {
        let f = try await ServerFixture()
        let add = await f.call("POST", "/api/v1/memories", key: f.ownerKey, json: [
            "messages": [["role": "user", "content": "I live in Lyon"]], "infer": false, "output_format": "v1.1", "version": "v2",
        ])
        #expect(add.status == 201)
        let search = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "Lyon", "top_k": 5, "rerank": false])
        #expect(search.status == 200)
    }

    @Test func aChangeTakesItsAgentFromTheBodyOrTheQueryButNotTwoDifferentOnes() async throws {
        let f = try await ServerFixture()
        let id = try #require(try await f.add("works from Lisbon")["id"]?.stringValue)
        let path = "/api/v1/memories/\(id)"
        #expect(await f.call("PUT", path + "?agent_id=codex", key: f.ownerKey, json: ["content": "works from Porto"]).status == 200)
        #expect(await f.call("DELETE", path, key: f.ownerKey, json: ["agent_id": "cursor"]).status == 200)
        let both = await f.call("POST", path + "/restore?agent_id=a", key: f.ownerKey, json: ["agent_id": "b"])
        #expect(both.status == 422 && both.json["detail"]?.stringValue?.contains("'agent_id' is given in the body and the query") == true)
        let typo = await f.call("DELETE", path + "?agentid=codex", key: f.ownerKey)
        #expect(typo.status == 422)
        #expect(typo.json["detail"]?.stringValue?.contains("unknown query parameter 'agentid'; did you mean 'agent_id'?") == true)
        let events = try #require(await f.call("GET", "/api/v1/events?stream_id=\(id)", key: f.ownerKey).json["events"]?.arrayValue)
        #expect(events.map { $0["agent_id"]?.stringValue } == ["owner", "codex", "cursor"])
    }

    @Test func aQueryParameterGivenTwiceWithDifferentValuesIsRefused() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("a fact", agent: "codex")
        let twice = await f.call("GET", "/api/v1/memories?agent_id=codex&agent_id=claude", key: f.ownerKey)
        #expect(twice.status == 422 && twice.json["detail"]?.stringValue?.contains("'agent_id' is given twice") == true)
        #expect(await f.call("GET", "/api/v1/memories?agent_id=codex&agent_id=codex", key: f.ownerKey).json["pagination"]?["total"] == 1)
    }

    /// `+01:00` typed unescaped in a URL arrives as ` 01:00`; it can only have been a `+`.
    @Test func anOffsetWhosePlusBecameASpaceIsReadAsThePlus() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("a fact")
        let plus = await f.call("GET", "/api/v1/memories?created_after=2000-01-01T00:00:00+01:00", key: f.ownerKey)
        #expect(plus.status == 200 && plus.json["pagination"]?["total"] == 1)
        #expect(await f.call("GET", "/api/v1/memories?created_after=2000-01-01T00:00:00%2001:00", key: f.ownerKey).status == 200)
        #expect(await f.call("GET", "/api/v1/memories?created_after=yesterday", key: f.ownerKey).status == 422)
    }

    @Test func anAddTakesItsAgentFromTheBodyOrTheQuery() async throws {
        let f = try await ServerFixture()
        let query = await f.call("POST", "/api/v1/memories?agent_id=codex", key: f.ownerKey, json: ["content": "likes tea"])
        #expect(query.status == 201 && query.json["agent_id"] == "codex" && query.json["created_by"]?["agent_id"] == "codex")
        let both = await f.call("POST", "/api/v1/memories?agent_id=codex", key: f.ownerKey, json: ["content": "likes jam", "agent_id": "claude"])
        #expect(both.status == 422)
        let typo = await f.call("POST", "/api/v1/memories?agentid=codex", key: f.ownerKey, json: ["content": "likes jam"])
        #expect(typo.status == 422 && typo.json["detail"]?.stringValue?.contains("did you mean 'agent_id'?") == true)
    }

    /// Search and bulk delete read everything from the body: a filter in the query would be dropped.
    @Test func searchAndBulkDeleteRefuseQueryParameters() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("likes tea", agent: "codex")
        let search = await f.call("POST", "/api/v1/memories/search?agent_id=codex", key: f.ownerKey, json: ["query": "tea"])
        #expect(search.status == 422)
        #expect(search.json["detail"] == "unknown query parameter 'agent_id'; this path takes none: give 'agent_id' in the JSON body")
        let bulk = await f.call("POST", "/api/v1/memories/delete_bulk?agent_id=codex", key: f.ownerKey, json: ["agent_id": "codex", "confirm": true])
        #expect(bulk.status == 422)
        #expect(await f.call("GET", "/api/v1/memories", key: f.ownerKey).json["pagination"]?["total"] == 1)
    }

    @Test func mem0sTopKAndThresholdAreLimitAndMinScore() async throws {
        let f = try await ServerFixture()
        for text in ["lives in Lisbon", "works in Lisbon", "visited Lisbon once"] { _ = try await f.add(text) }
        let top = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "Lisbon", "top_k": 1])
        #expect(top.json["results"]?.arrayValue?.count == 1)
        let strict = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "Lisbon", "threshold": 0.99])
        #expect(strict.json["results"]?.arrayValue?.allSatisfy { ($0["score"]?.doubleValue ?? 0) >= 0.99 } == true)
        let clash = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "Lisbon", "top_k": 1, "limit": 2])
        #expect(clash.status == 422 && clash.json["detail"]?.stringValue?.contains("'limit' and 'top_k'") == true)
    }

    /// Keys in `filters` other than the filter names are metadata equalities; one that looks like a
    /// misspelt filter name would match nothing, so it is refused, and `filters.metadata` still takes it.
    @Test func aMisspeltFilterNameInsideFiltersIsRefused() async throws {
        let f = try await ServerFixture()
        _ = try await f.add("likes tea", agent: "codex", metadata: ["agentid": "x"])
        let typo = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "tea", "filters": ["agentid": "codex"]])
        #expect(typo.status == 422 && typo.json["detail"]?.stringValue?.contains("'filters.agentid' looks like a misspelling of 'agent_id'") == true)
        let meant = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "tea", "filters": ["metadata": ["agentid": "x"]]])
        #expect(meant.status == 200 && meant.json["results"]?.arrayValue?.count == 1)
        let topic = await f.call("POST", "/api/v1/memories/search", key: f.ownerKey, json: ["query": "tea", "filters": ["topic": "none"]])
        #expect(topic.status == 200 && topic.json["results"]?.arrayValue?.isEmpty == true)
    }
}
