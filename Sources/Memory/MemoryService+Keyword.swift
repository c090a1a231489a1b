import Search
import SQLite

extension MemoryService {
    /// A term held by more memories than this share of the store (and more than `commonTermFloor`) is
    /// common: a query with rarer terms leaves it out of its candidate scan.
    static let commonTermShare = 0.02
    static let commonTermFloor: Int64 = 1_000

    /// The best `limit` BM25 candidates for `query` among the caller's memories that pass `clause`, best
    /// first, with their relevance (−bm25).
    ///
    /// Ranking every posting of a common word is what makes keyword search slow on a large store, so
    /// (DESIGN.md §6, "Full-text speed") the terms are looked up in the index's vocabulary first. When the
    /// query has both common and rarer terms, only memories holding a rarer one are candidates, and those
    /// are ranked by BM25 over every term of the query, with the statistics of the whole index: a memory
    /// that holds only common words would rank below them anyway, as their weight (IDF) is small.
    func keywordCandidates(
        _ query: String, userID: String, clause: String, arguments: [SQLValue], limit: Int, in db: Connection
    ) throws -> [(seq: Int64, relevance: Double)] {
        let phrases = TextNormalizer.queryPhrases(for: query)
        guard !phrases.isEmpty else { return [] }
        let rare = phrases.count > 1 ? try rarePhrases(phrases, in: db) : phrases
        let pruned = rare.count < phrases.count
        let candidates = pruned ? " AND memories_fts.rowid IN (SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?)" : ""
        let candidateArguments: [SQLValue] = pruned ? [.text(TextNormalizer.ftsQuery(rare))] : []
        return try db.query(
            """
            SELECT m.seq, -bm25(memories_fts) FROM memories_fts JOIN memories m ON m.seq = memories_fts.rowid
            WHERE memories_fts MATCH ?\(candidates) AND m.user_id = ?\(clause) ORDER BY bm25(memories_fts) LIMIT ?
            """, [.text(TextNormalizer.ftsQuery(phrases))] + candidateArguments + [.text(userID)] + arguments + [.int(limit)]
        ) { ($0.int64(0), $0.double(1)) }
    }

    /// The phrases that are not common; all of them when every phrase is common. A phrase is common when
    /// each of its terms is; a prefix (one CJK character) never counts as common, its terms being unknown.
    private func rarePhrases(_ phrases: [TextNormalizer.Phrase], in db: Connection) throws -> [TextNormalizer.Phrase] {
        let memories = try db.scalarInt("SELECT coalesce(sum(live), 0) FROM memory_counts") ?? 0
        let cutoff = max(Self.commonTermFloor, Int64(Double(memories) * Self.commonTermShare))
        guard memories > cutoff else { return phrases }
        var rare: [TextNormalizer.Phrase] = []
        for phrase in phrases {
            if phrase.isPrefix {
                rare.append(phrase)
                continue
            }
            for term in phrase.terms {
                let holding = try db.scalarInt("SELECT doc FROM memories_fts_vocabulary WHERE term = ?", [.text(term)]) ?? 0
                if holding <= cutoff {
                    rare.append(phrase)
                    break
                }
            }
        }
        return rare.isEmpty ? phrases : rare
    }
}
