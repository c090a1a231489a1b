/// The default embedder: deterministic feature hashing, no network, no model files.
///
/// It has no notion of meaning, only of shared words and word parts, which is enough for a
/// question that shares content words with a memory to rank that memory above unrelated ones,
/// and it works from the first start with zero setup. A vector is the signed sum of hashed
/// features (the "hashing trick"), L2-normalised so a dot product is a cosine:
///
/// | feature | weight |
/// |---|---|
/// | folded, stemmed word, stopwords dropped (`w:allergi`) | 1.0 |
/// | two consecutive such words (`b:peanut allergi`) | 0.5 |
/// | character 3-, 4- and 5-grams of each such stem of 3+ letters, with `<` `>` boundaries | 0.6 in total per word (each `0.6/√n`) |
/// | CJK character bigram / single character (`H:坚果`, `h:坚`) | 1.0 / 0.4 |
/// | emoji (`w:emoji1f95c`) | 1.0 |
///
/// A feature string is hashed with FNV-1a 64 plus a fixed finaliser (`FNV1a`); the hash modulo
/// 384 picks the component and its top bit the sign. Changing anything here changes every
/// vector, so it must come with a new `model` name and a reindex. Text without any feature
/// (blank, punctuation only) gives the zero vector, whose cosine with everything is 0.
public struct BuiltinEmbedder: Embedder {
    public static let modelName = "memledger-hash-v1"
    public static let defaultDimension = 384

    public let model = BuiltinEmbedder.modelName
    public let dimension = BuiltinEmbedder.defaultDimension

    public init() {}

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector(for:))
    }

    /// The vector for one text, synchronously (the work is a few microseconds per word).
    public func vector(for text: String) -> [Float] {
        var accumulator = [Float](repeating: 0, count: dimension)
        func add(_ feature: String, _ weight: Float) {
            let hash = FNV1a.mixed(feature)
            let index = Int(hash % UInt64(dimension))
            accumulator[index] += (hash >> 63) == 0 ? weight : -weight
        }

        var previousWord: String?
        for token in Tokenizer.tokens(in: text) {
            switch token {
            case .word(let word):
                guard !Stopwords.contains(word) else { continue }
                let stem = Stemmer.stem(word)
                add("w:" + stem, 1.0)
                if let previousWord { add("b:" + previousWord + " " + stem, 0.5) }
                previousWord = stem
                addCharacterGrams(of: stem, add: add)
            case .cjk(let run):
                previousWord = nil
                for character in run { add("h:" + String(character), 0.4) }
                for bigram in TextNormalizer.bigrams(of: run) where bigram.count == 2 { add("H:" + bigram, 1.0) }
            case .emoji(let name):
                previousWord = nil
                add("w:" + name, 1.0)
            }
        }

        var norm: Float = 0
        for value in accumulator { norm += value * value }
        guard norm > 0 else { return accumulator }
        let scale = 1 / norm.squareRoot()
        return accumulator.map { $0 * scale }
    }

    private func addCharacterGrams(of word: String, add: (String, Float) -> Void) {
        let letters = Array(word)
        // Numbers carry no morphology worth sharing between words; short words are their unigram.
        guard letters.count >= 3, !letters.allSatisfy(\.isNumber) else { return }
        let bounded: [Character] = ["<"] + letters + [">"]
        var grams: [String] = []
        for n in 3...5 where bounded.count >= n {
            for start in 0 ... bounded.count - n {
                grams.append("c:" + String(bounded[start ..< start + n]))
            }
        }
        let weight = 0.6 / Float(grams.count).squareRoot()
        for gram in grams { add(gram, weight) }
    }
}
