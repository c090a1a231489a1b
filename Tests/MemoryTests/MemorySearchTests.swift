import Foundation
import JSON
import Ledger
import Search
import TestSupport
import Testing

@testable import Memory

@Suite struct MemorySearchTests {
    func search(_ store: Store, _ query: String, mode: SearchMode = .hybrid, limit: Int = 10, filter: MemoryFilter = MemoryFilter(), who: Caller = caller())
        async throws -> SearchResult
    {
        try await store.service.search(SearchRequest(query: query, mode: mode, limit: limit, filter: filter), caller: who)
    }

    @Test(arguments: SearchMode.allCases)
    func aQuestionSharingContentWordsRanksItsMemoryFirst(mode: SearchMode) async throws {
        let store = try Store()
        try await store.service.add("Dana is allergic to peanuts and tree nuts")
        try await store.service.add("The deploy pipeline runs on Fridays at noon")
        try await store.service.add("Prefers dark mode in every editor")
        let result = try await search(store, "which nuts is Dana allergic to?", mode: mode)
        #expect(result.hits.first?.memory.content == "Dana is allergic to peanuts and tree nuts")
        #expect(result.hits.allSatisfy { (0...1).contains($0.score) })
        #expect(result.mode == mode && result.vectorsPending == 0 && !result.ranWithoutVectors)
    }

    @Test func hitsCarryTheirSignals() async throws {
        let store = try Store()
        try await store.service.add("Lisbon is where Ana lives")
        let hit = try #require(try await search(store, "where does Ana live, Lisbon?").hits.first)
        #expect(hit.signals.keywordRank == 1 && hit.signals.semanticRank == 1)
        #expect(hit.signals.similarity != nil && hit.signals.keywordScore == 1)
        #expect(hit.score == 1)
        #expect(hit.json["signals"]?["keyword_rank"] == .int(1))
    }

    // Case 4: reads span agents; an agent filter narrows.
    @Test func searchSpansAgentsUnlessFiltered() async throws {
        let store = try Store()
        try await store.service.add("the staging database is postgres 16", by: caller("codex"))
        #expect(try await search(store, "staging database", who: caller("claude")).hits.count == 1)
        #expect(try await search(store, "staging database", filter: MemoryFilter(agentID: "claude")).hits.isEmpty)
        #expect(try await search(store, "staging database", filter: MemoryFilter(agentID: "codex")).hits.count == 1)
        #expect(try await search(store, "staging database", who: caller(user: "bob")).hits.isEmpty)
    }

    // Case 6: CJK, accents, emoji.
    @Test(arguments: ["坚果", "zoe", "Zoë", "过敏", "🥜"])
    func nonEnglishQueriesFindTheMemory(query: String) async throws {
        let store = try Store()
        let content = "我对坚果过敏 🥜 Zoë"
        try await store.service.add(content)
        try await store.service.add("unrelated note about trains")
        let result = try await search(store, query, mode: .keyword)
        #expect(result.hits.first.map { Array($0.memory.content!.utf8) } == Array(content.utf8))
    }

    // Case 10: no stale text.
    @Test func aSearchAfterAnUpdateReturnsOnlyTheNewText() async throws {
        let store = try Store()
        let m = try await store.service.add("my age is 41")
        _ = try await store.service.update(m.id, content: "my age is 43", caller: caller())
        for mode in SearchMode.allCases {
            let hits = try await search(store, "41", mode: mode).hits
            #expect(hits.allSatisfy { $0.memory.content == "my age is 43" })
        }
        #expect(try await search(store, "age", mode: .keyword).hits.map(\.memory.content) == ["my age is 43"])
    }

    // Case 11: filters are applied.
    @Test func metadataFilterGivesExactlyOneHit() async throws {
        let store = try Store()
        try await store.service.add("likes food a lot", metadata: ["food": "a"])
        try await store.service.add("likes food very much", metadata: ["food": "b"])
        for mode in SearchMode.allCases {
            let hits = try await search(store, "likes food", mode: mode, filter: MemoryFilter(metadata: ["food": "a"])).hits
            #expect(hits.map(\.memory.metadata["food"]) == [.string("a")], "\(mode)")
        }
        let run = try await store.service.add("run scoped fact", runID: "r1")
        #expect(try await search(store, "fact", filter: MemoryFilter(runID: "r1")).hits.map(\.memory.id) == [run.id])
        let later = Timestamp(milliseconds: Timestamp.now().milliseconds + 60_000)
        #expect(try await search(store, "fact", filter: MemoryFilter(createdAfter: later)).hits.isEmpty)
    }

    // Case 12: blank query.
    @Test(arguments: ["", "   ", "\n\t"])
    func aBlankQueryIsAnInvalidArgument(query: String) async throws {
        let store = try Store()
        try await store.service.add("something")
        await #expect(throws: MemoryError.invalid("query must not be empty or only whitespace")) { try await search(store, query) }
    }

    // Case 13: limit.
    @Test func limitCapsTheResults() async throws {
        let store = try Store(durable: false)
        for i in 0..<30 { try await store.service.add("project note number \(i) about the roadmap") }
        #expect(try await search(store, "project roadmap note", limit: 5).hits.count == 5)
        await #expect(throws: MemoryError.self) { try await search(store, "x", limit: 0) }
        await #expect(throws: MemoryError.self) { try await search(store, "x", limit: 101) }
    }

    @Test func minScoreAndRecencyWeight() async throws {
        let clock = ScriptedClock([0, Timestamp.now().milliseconds])
        let store = try Store(clock: { clock.next() })
        let old = try await store.service.add("coffee order: flat white")
        let new = try await store.service.add("coffee order: espresso")
        let recent = try await store.service.search(SearchRequest(query: "coffee order", mode: .keyword, recencyWeight: 1), caller: caller())
        #expect(recent.hits.first?.memory.id == new.id)
        #expect(recent.hits.last?.memory.id == old.id && recent.hits.last!.score < 0.01)
        let strict = try await store.service.search(SearchRequest(query: "coffee order", mode: .keyword, minScore: 0.5, recencyWeight: 1), caller: caller())
        #expect(strict.hits.map(\.memory.id) == [new.id])
    }

    @Test func exactTopKOfTheIndexEqualsBruteForceOverStoredVectors() async throws {
        let store = try Store(durable: false)
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        for i in 0..<120 { try await store.service.add("\(words[i % 10]) \(words[(i / 10) % 10]) item \(i)") }
        let embedder = BuiltinEmbedder()
        let query = embedder.vector(for: "charlie delta item")
        let result = try await store.service.search(SearchRequest(query: "charlie delta item", mode: .semantic, limit: 10), caller: caller())
        let all = try store.service.list(limit: 100, caller: caller()).memories + store.service.list(limit: 100, offset: 100, caller: caller()).memories
        func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { $0 * $1 }.reduce(0, +) }
        let scored: [(String, Float)] = all.map { m in (m.id, dot(embedder.vector(for: m.content!), query)) }
        let brute = scored.sorted { $0.1 > $1.1 }.prefix(10).map(\.0)
        #expect(Set(result.hits.map(\.memory.id)) == Set(brute))
    }

    @Test func aCompactIndexRanksLikeTheFullOneAndSkipsDeletedMemories() async throws {
        // Given the same memories in a store whose index stays full and one whose index is compact (int8 rows
        // only, candidates re-ranked against the stored vectors)
        let (full, compact) = (try Store(durable: false), try Store(durable: false, compactVectorIndexFrom: 10))
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        for i in 0..<150 {
            let text = "\(words[i % 10]) \(words[(i / 7) % 10]) item \(i)"
            try await full.service.add(text)
            try await compact.service.add(text)
        }
        // When both answer the same semantic searches, then they rank the same memories with the same scores
        for query in ["charlie delta item", "golf", "india juliet alpha", "item 42"] {
            let a = try await search(full, query, mode: .semantic, limit: 20).hits
            let b = try await search(compact, query, mode: .semantic, limit: 20).hits
            #expect(a.map(\.memory.content) == b.map(\.memory.content), "\(query)")
            #expect(zip(a, b).allSatisfy { abs($0.score - $1.score) < 1e-5 }, "\(query)")
        }
        // And a deleted memory is never a candidate of the compact index
        let best = try #require(try await search(compact, "charlie delta item", mode: .semantic).hits.first)
        _ = try await compact.service.delete(best.memory.id, caller: caller())
        #expect(try await search(compact, "charlie delta item", mode: .semantic).hits.allSatisfy { $0.memory.id != best.memory.id })
    }

    @Test func aCommonWordDoesNotFloodKeywordCandidatesWhenTheQueryHasRarerOnes() async throws {
        // Given a store where one word is in almost every memory and another in a few
        let store = try Store(durable: false)
        let few = ["peanut butter on toast", "peanut allergy noted by the user", "a bag of peanuts"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for i in stride(from: lane, to: 1_100, by: 8) { try await store.service.add("the user wrote note \(i)") }
                }
            }
            try await group.waitForAll()
        }
        for text in few { try await store.service.add(text) }
        // When a keyword search names both
        let hits = try await search(store, "user peanut", mode: .keyword, limit: 10).hits
        // Then only memories holding the rarer word are candidates, in the order BM25 over both words gives
        #expect(Set(hits.compactMap(\.memory.content)) == Set(few))
        let unpruned = try store.service.ledger.read { db in
            try db.query(
                """
                SELECT m.content FROM memories_fts JOIN memories m ON m.seq = memories_fts.rowid
                WHERE memories_fts MATCH '"user" OR "peanut"' ORDER BY bm25(memories_fts) LIMIT 3
                """) { $0.string(0) }
        }
        #expect(hits.compactMap(\.memory.content) == unpruned)
        // And a query of the common word alone still finds its memories
        #expect(try await search(store, "user", mode: .keyword, limit: 10).hits.count == 10)
    }

    // Case 3: a store made with one embedder refuses another.
    @Test func aStoreWhoseVectorsCameFromAnotherEmbedderRefusesToOpen() async throws {
        let store = try Store()
        try await store.service.add("made with the built-in embedder")
        var config = MemoryConfiguration()
        config.embedder = try OpenAIEmbedder(configuration: .init(baseURL: URL(string: "http://127.0.0.1:9")!, model: "other-model", dimension: 768))
        #expect {
            _ = try MemoryService(path: store.database, configuration: config)
        } throws: { error in
            let e = error as? MemoryError
            return e?.code == .embedderMismatch && e!.detail.contains("memledger reindex") && e!.detail.contains("384")
        }
    }

    @Test func reindexRebuildsOnlyTheVectorsCacheFirst() async throws {
        let store = try Store()
        let m = try await store.service.add("reindex me please")
        let head = try store.service.ledger.head()
        let server = try FakeEmbeddingServer(dimension: 8)
        defer { server.stop() }
        var config = MemoryConfiguration()
        config.embedder = try OpenAIEmbedder(configuration: .init(baseURL: server.baseURL, model: "fake-8", maxRetries: 0))
        config.allowEmbedderMismatch = true
        let switched = try MemoryService(path: store.database, configuration: config)
        defer { switched.close() }
        #expect(try await switched.reindex() == 1)
        #expect(try switched.ledger.head() == head)
        #expect(try await switched.search(SearchRequest(query: "reindex", mode: .semantic), caller: caller()).hits.first?.memory.id == m.id)
        // A second reindex finds every vector in the cache and calls the embedder no more.
        let calls = server.requests.count
        #expect(try await switched.reindex() == 1)
        #expect(server.requests.count == calls)
    }

    @Test func anAddSucceedsWhileTheEmbedderIsDownAndItsVectorIsFilledLater() async throws {
        let server = try FakeEmbeddingServer(failures: 2, dimension: 8)
        defer { server.stop() }
        let path = NSTemporaryDirectory() + "memledger-outage-" + UUID().uuidString + ".sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var config = MemoryConfiguration()
        config.embedder = try OpenAIEmbedder(configuration: .init(baseURL: server.baseURL, model: "fake-8", maxRetries: 0))
        let service = try MemoryService(path: path, configuration: config)
        defer { service.close() }
        // Given the embedder fails, the add still succeeds and is found by keywords.
        let m = try await service.add(AddRequest(content: "the outage memory"), caller: caller()).entries[0].memory
        #expect(try service.pendingVectorCount() == 1)
        let during = try await service.search(SearchRequest(query: "outage"), caller: caller())
        #expect(during.hits.map(\.memory.id) == [m.id])
        #expect(during.vectorsPending == 1 && during.ranWithoutVectors)
        #expect(during.json["note"] != nil)
        // When it recovers, the worker fills the vector in.
        #expect(try await service.fillPendingVectors() == 1)
        #expect(try service.pendingVectorCount() == 0)
        let after = try await service.search(SearchRequest(query: "outage", mode: .semantic), caller: caller())
        #expect(after.hits.map(\.memory.id) == [m.id] && after.vectorsPending == 0 && !after.ranWithoutVectors)
        #expect(service.embedderErrorCount >= 2)
    }

    @Test func anotherProcessesWritesAreSearchedToo() async throws {
        let store = try Store()
        try await store.service.add("first writer's memory")
        _ = try await search(store, "memory")  // loads the index
        let other = try MemoryService(path: store.database)
        defer { other.close() }
        try await other.add("second writer's memory about kites")
        let hits = try await search(store, "kites", mode: .semantic).hits
        #expect(hits.first?.memory.content == "second writer's memory about kites")
    }
}
