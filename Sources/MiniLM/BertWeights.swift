/// γ and β of a LayerNorm.
struct LayerNormWeights: Sendable {
    let gamma: FloatBuffer
    let beta: FloatBuffer
}

/// One transformer block. Query, key and value are fused into one product of width 3·hidden.
struct BertLayerWeights: Sendable {
    let queryKeyValue: PackedLinear
    let attentionOutput: PackedLinear
    let attentionNorm: LayerNormWeights
    let intermediate: PackedLinear
    let output: PackedLinear
    let outputNorm: LayerNormWeights
}

/// All parameters of the encoder, loaded from `model.safetensors` and checked against the config.
///
/// Tensor names carry no `bert.` prefix in this file. `embeddings.position_ids` and `pooler.*` are
/// present but unused: sentence-transformers pools the token states itself.
struct BertWeights: Sendable {
    /// `[vocabularySize][hidden]`, either mapped from the file or a copy.
    let wordEmbeddings: ReadOnlyFloats
    let positionEmbeddings: FloatBuffer
    let typeEmbeddings: FloatBuffer
    let embeddingNorm: LayerNormWeights
    let layers: [BertLayerWeights]

    /// - Throws: `MiniLMError` naming the file and tensor for missing tensors or wrong shapes.
    init(file: SafeTensorsFile, configuration c: BertConfiguration) throws {
        let hidden = c.hiddenSize
        func vector(_ name: String, _ count: Int) throws -> FloatBuffer { try file.copyFloats(name, shape: [count]) }
        func norm(_ prefix: String) throws -> LayerNormWeights {
            LayerNormWeights(gamma: try vector(prefix + ".weight", hidden), beta: try vector(prefix + ".bias", hidden))
        }
        func linear(_ prefixes: [String], outputs: Int, inputs: Int) throws -> PackedLinear {
            let each = outputs / prefixes.count
            return PackedLinear(
                weights: try prefixes.map { try file.copyFloats($0 + ".weight", shape: [each, inputs]) },
                biases: try prefixes.map { try vector($0 + ".bias", each) },
                outputs: outputs, inputs: inputs)
        }

        let wordShape = [c.vocabularySize, hidden]
        if let mapped = try file.mappedFloats("embeddings.word_embeddings.weight", shape: wordShape) {
            wordEmbeddings = ReadOnlyFloats(pointer: mapped, owner: file)
        } else {
            let copy = try file.copyFloats("embeddings.word_embeddings.weight", shape: wordShape)
            wordEmbeddings = ReadOnlyFloats(pointer: UnsafePointer(copy.pointer), owner: copy)
        }
        positionEmbeddings = try file.copyFloats("embeddings.position_embeddings.weight", shape: [c.maxPositions, hidden])
        typeEmbeddings = try file.copyFloats("embeddings.token_type_embeddings.weight", shape: [c.typeVocabularySize, hidden])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<c.layerCount).map { index in
            let p = "encoder.layer.\(index)."
            return BertLayerWeights(
                queryKeyValue: try linear([p + "attention.self.query", p + "attention.self.key", p + "attention.self.value"],
                                          outputs: 3 * hidden, inputs: hidden),
                attentionOutput: try linear([p + "attention.output.dense"], outputs: hidden, inputs: hidden),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear([p + "intermediate.dense"], outputs: c.intermediateSize, inputs: hidden),
                output: try linear([p + "output.dense"], outputs: hidden, inputs: c.intermediateSize),
                outputNorm: try norm(p + "output.LayerNorm"))
        }
    }
}

/// A pointer to floats that never change, together with the object that keeps them alive.
///
/// `@unchecked Sendable` because the memory is either a read-only file mapping or a buffer filled
/// before the model is shared, and `owner` (itself immutable) outlives every use of `pointer`.
struct ReadOnlyFloats: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    let owner: AnyObject
}
