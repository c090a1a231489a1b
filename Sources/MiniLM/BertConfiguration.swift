import Foundation

/// The architecture numbers of a BERT encoder, read from `config.json` and
/// `sentence_bert_config.json` and checked against what this encoder implements.
struct BertConfiguration: Sendable, Equatable {
    var hiddenSize: Int
    var layerCount: Int
    var headCount: Int
    var intermediateSize: Int
    var vocabularySize: Int
    var maxPositions: Int
    var typeVocabularySize: Int
    var layerNormEpsilon: Float
    /// The sentence-transformers window, `[CLS]` and `[SEP]` included (256 for all-MiniLM-L6-v2,
    /// although `tokenizer.json` carries a stale 128).
    var maxSequenceLength: Int

    var headSize: Int { hiddenSize / headCount }

    /// Reads both files from a model directory.
    ///
    /// - Throws: `.missingFile`, `.unreadableFile` or `.badConfiguration`.
    init(directory: String) throws {
        let configPath = directory + "/config.json"
        let config = try Self.jsonObject(at: configPath)
        func integer(_ key: String) throws -> Int {
            guard let value = (config[key] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), value > 0 else {
                throw MiniLMError(.badConfiguration, file: configPath, detail: "\(key) is missing or not a positive integer")
            }
            return value
        }
        hiddenSize = try integer("hidden_size")
        layerCount = try integer("num_hidden_layers")
        headCount = try integer("num_attention_heads")
        intermediateSize = try integer("intermediate_size")
        vocabularySize = try integer("vocab_size")
        maxPositions = try integer("max_position_embeddings")
        typeVocabularySize = try integer("type_vocab_size")
        guard let epsilon = (config["layer_norm_eps"] as? NSNumber)?.floatValue, epsilon > 0 else {
            throw MiniLMError(.badConfiguration, file: configPath, detail: "layer_norm_eps is missing")
        }
        layerNormEpsilon = epsilon
        guard hiddenSize % headCount == 0 else {
            throw MiniLMError(.badConfiguration, file: configPath, detail: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
        }
        if let activation = config["hidden_act"] as? String, activation != "gelu" {
            throw MiniLMError(.badConfiguration, file: configPath, detail: "hidden_act \(activation) is not supported, only gelu")
        }
        if let positions = config["position_embedding_type"] as? String, positions != "absolute" {
            throw MiniLMError(.badConfiguration, file: configPath, detail: "position_embedding_type \(positions) is not supported")
        }

        let sentencePath = directory + "/sentence_bert_config.json"
        let sentence = try Self.jsonObject(at: sentencePath)
        guard let length = (sentence["max_seq_length"] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), length >= 2, length <= maxPositions else {
            throw MiniLMError(.badConfiguration, file: sentencePath, detail: "max_seq_length is missing or outside 2...\(maxPositions)")
        }
        maxSequenceLength = length
    }

    private static func jsonObject(at path: String) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MiniLMError(.missingFile, file: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MiniLMError(.unreadableFile, file: path)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw MiniLMError(.badConfiguration, file: path, detail: "not a JSON object")
        }
        return object
    }
}
