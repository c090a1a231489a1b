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
/// | two consecutive such words (`b:peanut allergi`) | 0.25 |
/// | character 3-, 4- and 5-grams of each such stem of 3+ letters, with `<` `>` boundaries | 1.5 in total per word (each `1.5/√n`) |
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

    /// Feature weights (see the table above), chosen on `tools/eval`: character grams carry
    /// most of what little paraphrase recall hashing can have; bigrams add word order.
    static let bigramWeight: Float = 0.25
    static let gramsWeight: Float = 1.5

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector(for:))
    }

    /// The vector for one text, synchronously (the work is a few microseconds per word).
    public func vector(for text: String) -> [Float] {
        var accumulator = [Float](repeating: 0, count: dimension)
        let dimension = UInt64(dimension)
        func addHash(_ hash: UInt64, _ weight: Float) {
            let mixed = FNV1a.finalise(hash)
            accumulator[Int(mixed % dimension)] += (mixed >> 63) == 0 ? weight : -weight
        }
        func add(_ prefix: StaticString, _ feature: String, _ weight: Float) {
            var hash = prefix.withUTF8Buffer { FNV1a.feed(FNV1a.offsetBasis, $0) }
            var feature = feature
            feature.withUTF8 { hash = FNV1a.feed(hash, $0) }
            addHash(hash, weight)
        }

        var previousWord: String?
        for token in Tokenizer.tokens(in: text) {
            switch token {
            case .word(let word):
                guard !Stopwords.contains(word) else { continue }
                let stem = Stemmer.stem(word)
                add("w:", stem, 1.0)
                if let previousWord { add("b:", previousWord + " " + stem, Self.bigramWeight) }
                previousWord = stem
                addCharacterGrams(of: stem, add: addHash)
            case .cjk(let run):
                previousWord = nil
                for character in run { add("h:", String(character), 0.4) }
                for bigram in TextNormalizer.bigrams(of: run) where bigram.count == 2 { add("H:", bigram, 1.0) }
            case .emoji(let name):
                previousWord = nil
                add("w:", name, 1.0)
            }
        }

        var norm: Float = 0
        for value in accumulator { norm += value * value }
        guard norm > 0 else { return accumulator }
        let scale = 1 / norm.squareRoot()
        return accumulator.map { $0 * scale }
    }

    /// Adds the hashes of `c:` + every 3-, 4- and 5-gram of `<word>` (grams of Unicode scalars).
    ///
    /// Grams starting at the same place share their prefix, so FNV-1a is fed incrementally
    /// instead of hashing each gram from scratch: same hashes, a third of the work.
    private func addCharacterGrams(of word: String, add: (UInt64, Float) -> Void) {
        var bytes: [UInt8] = [UInt8(ascii: "<")]
        var starts: [Int] = [0]
        for scalar in word.unicodeScalars {
            starts.append(bytes.count)
            UTF8.encode(scalar) { bytes.append($0) }
        }
        starts.append(bytes.count)
        bytes.append(UInt8(ascii: ">"))
        starts.append(bytes.count) // end sentinel
        let scalarCount = starts.count - 1
        // Numbers carry no morphology worth sharing between words; short words are their unigram.
        guard scalarCount >= 5, !word.unicodeScalars.allSatisfy({ $0.properties.numericType != nil }) else { return }

        let gramCount = (3...5).reduce(0) { $0 + max(0, scalarCount - $1 + 1) }
        let weight = Self.gramsWeight / Float(gramCount).squareRoot()
        let prefix = FNV1a.hash64("c:".utf8) // the same as feeding "c:" to the offset basis
        bytes.withUnsafeBufferPointer { bytes in
            for start in 0 ..< scalarCount - 2 {
                var hash = FNV1a.feed(prefix, UnsafeBufferPointer(rebasing: bytes[starts[start] ..< starts[start + 2]]))
                for end in start + 3 ... min(start + 5, scalarCount) {
                    hash = FNV1a.feed(hash, UnsafeBufferPointer(rebasing: bytes[starts[end - 1] ..< starts[end]]))
                    add(hash, weight)
                }
            }
        }
    }
}
