/// The all-MiniLM-L6-v2 sentence encoder, run locally in-process: text in, 384-dimensional unit
/// vectors out, matching sentence-transformers to float32 precision.
///
/// Load it once from the directory `tools/minilm-fetch.py` creates and share it: the type is
/// immutable and `Sendable`, and concurrent calls are safe. The embedding calls are synchronous and
/// CPU-bound (milliseconds for a query, seconds for large batches), and they use all cores through
/// `DispatchQueue.concurrentPerform`, blocking the calling thread meanwhile. From async code, run
/// them on a thread you own — for example a dedicated `DispatchQueue` bridged with a continuation —
/// rather than directly on a task of Swift's cooperative pool, which has one thread per core.
public final class MiniLMModel: Sendable {
    /// Length of every vector: 384.
    public let dimension: Int
    /// The model's published name, to record next to stored vectors.
    public let modelName: String = "all-MiniLM-L6-v2"
    /// Longest input in tokens, `[CLS]` and `[SEP]` included (256); longer text is cut by `embed`
    /// and split into windows by `embedLong`.
    public let maxSequenceLength: Int

    private let tokenizer: WordPieceTokenizer
    private let encoder: BertEncoder

    /// Loads `config.json`, `sentence_bert_config.json`, `vocab.txt` and `model.safetensors`.
    ///
    /// - Parameter directory: The model directory, such as `models/all-MiniLM-L6-v2`.
    /// - Throws: `MiniLMError` naming the offending file: missing or unreadable files, a bad
    ///   safetensors header, a missing tensor or one whose shape disagrees with `config.json`.
    public init(directory: String) throws {
        let configuration = try BertConfiguration(directory: directory)
        let vocabularyPath = directory + "/vocab.txt"
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyPath)
        guard tokenizer.count <= configuration.vocabularySize else {
            throw MiniLMError(.badVocabulary, file: vocabularyPath,
                              detail: "\(tokenizer.count) entries but config.json has vocab_size \(configuration.vocabularySize)")
        }
        let file = try SafeTensorsFile(path: directory + "/model.safetensors")
        let weights = try BertWeights(file: file, configuration: configuration)
        self.tokenizer = tokenizer
        self.encoder = BertEncoder(configuration: configuration, weights: weights)
        self.dimension = configuration.hiddenSize
        self.maxSequenceLength = configuration.maxSequenceLength
    }

    /// The model's input ids for `text`: `[CLS]`, word pieces, `[SEP]`, at most `maxSequenceLength`.
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: maxSequenceLength)
    }

    /// One unit vector per text, in order; text beyond `maxSequenceLength` tokens is ignored, as in
    /// sentence-transformers. Empty text gives the (unit) vector of `[CLS] [SEP]`.
    public func embed(_ texts: [String]) -> [[Float]] {
        encoder.encode(texts.map(tokenize))
    }

    /// Unit vectors for overlapping windows of a text of any length, one per window, in reading
    /// order. Text that fits one window gives exactly `embed([text])`.
    ///
    /// Windows hold `maxSequenceLength − 2` word pieces and overlap by about a quarter of that,
    /// and a window starts at a word start when one lies within another overlap's length before
    /// the nominal start; the last window ends at the end of the text.
    public func embedLong(_ text: String) -> [[Float]] {
        let pieces = tokenizer.wordPieces(text)
        let window = maxSequenceLength - 2
        guard pieces.count > window else {
            return encoder.encode([[tokenizer.classifierID] + pieces + [tokenizer.separatorID]])
        }
        let overlap = window / 4
        var starts = [0]
        while let last = starts.last, last + window < pieces.count {
            let target = last + window - overlap
            if target >= pieces.count - window {
                starts.append(pieces.count - window)
                break
            }
            // Move back to the start of the word, unless that means more than double the overlap.
            var next = target
            while next > target - overlap, tokenizer.isContinuation(pieces[next]) { next -= 1 }
            starts.append(tokenizer.isContinuation(pieces[next]) ? target : next)
        }
        return encoder.encode(starts.map { start in
            [tokenizer.classifierID] + pieces[start..<(start + window)] + [tokenizer.separatorID]
        })
    }
}
