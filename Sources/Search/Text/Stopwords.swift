/// A small, fixed list of English function words that carry no topic.
///
/// Dropped from queries and from the built-in embedder's features, so that a question's "what",
/// "does" and "the" neither match nor dilute. Kept in the full-text column, so a query made only
/// of such words can still find something. Matching is on the folded, unstemmed word.
enum Stopwords {
    static func contains(_ word: String) -> Bool { words.contains(word) }

    static let words: Set<String> = [
        "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does",
        "doing", "done", "during", "each", "else", "ever", "few", "for", "from", "further", "get",
        "gets", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
        "himself", "his", "how", "i", "if", "im", "in", "into", "is", "it", "its", "itself", "ive",
        "just", "let", "lets", "may", "me", "might", "more", "most", "much", "must", "my", "myself",
        "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
        "ourselves", "out", "over", "own", "same", "shall", "she", "should", "so", "some", "such",
        "than", "that", "thats", "the", "their", "theirs", "them", "themselves", "then", "there",
        "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us",
        "very", "was", "we", "were", "what", "whats", "when", "where", "which", "while", "who",
        "whom", "whose", "why", "will", "with", "would", "you", "your", "yours", "yourself",
        "yourselves",
    ]
}
