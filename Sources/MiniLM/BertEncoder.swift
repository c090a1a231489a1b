import CKernels

/// The BERT forward pass followed by mean pooling and L2 normalisation: token ids in, unit
/// sentence vectors out.
///
/// Sequences are never padded. Token-wise steps (the linear layers, LayerNorm, GELU) run on all
/// tokens of a group of sequences stacked into one matrix, so short sentences share the weight
/// traffic of a batch; attention runs per sequence, which gives exactly what the reference computes
/// for each sequence on its own.
final class BertEncoder: Sendable {
    let configuration: BertConfiguration
    private let weights: BertWeights
    /// Most tokens stacked into one forward pass; bounds the scratch memory (about 18 kB per token).
    private let tokenBudget = 2048
    /// Below this many multiply-adds a product runs on one thread: handing out work costs more.
    private let parallelThreshold = 1 << 20

    init(configuration: BertConfiguration, weights: BertWeights) {
        self.configuration = configuration
        self.weights = weights
    }

    /// Encodes each id sequence (with its `[CLS]`/`[SEP]`) into a unit vector of `hiddenSize` floats.
    ///
    /// - Precondition: every sequence is non-empty, at most `maxPositions` long, with valid ids.
    func encode(_ sequences: [[Int32]]) -> [[Float]] {
        var results: [[Float]] = []
        results.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            var end = start
            var tokens = 0
            while end < sequences.count, end == start || tokens + sequences[end].count <= tokenBudget {
                tokens += sequences[end].count
                end += 1
            }
            results.append(contentsOf: forward(Array(sequences[start..<end])))
            start = end
        }
        return results
    }

    private func forward(_ sequences: [[Int32]]) -> [[Float]] {
        let c = configuration
        let hidden = c.hiddenSize
        for ids in sequences {
            precondition(!ids.isEmpty && ids.count <= c.maxPositions, "sequence length \(ids.count) outside 1...\(c.maxPositions)")
        }
        var offsets: [Int] = [0]
        for ids in sequences { offsets.append(offsets[offsets.count - 1] + ids.count) }
        let total = offsets[offsets.count - 1]

        let x = SharedPointer(.allocate(capacity: total * hidden))
        let qkv = SharedPointer(.allocate(capacity: total * 3 * hidden))
        let context = SharedPointer(.allocate(capacity: total * hidden))
        let intermediate = SharedPointer(.allocate(capacity: total * c.intermediateSize))
        defer {
            for buffer in [x, qkv, context, intermediate] { buffer.base.deallocate() }
        }

        for (index, ids) in sequences.enumerated() {
            ids.withUnsafeBufferPointer { ids in
                mlk_embeddings(ids.baseAddress, Int32(ids.count), weights.wordEmbeddings.pointer, weights.positionEmbeddings.pointer,
                               weights.typeEmbeddings.pointer, Int32(hidden), x.base + offsets[index] * hidden, Int32(hidden))
            }
        }
        layerNorm(x, rows: total, weights.embeddingNorm)

        for layer in weights.layers {
            linear(layer.queryKeyValue, rows: total, input: x, output: qkv, flags: 0)
            attention(qkv: qkv, context: context, offsets: offsets)
            linear(layer.attentionOutput, rows: total, input: context, output: x, flags: MLK_ACCUMULATE)
            layerNorm(x, rows: total, layer.attentionNorm)
            linear(layer.intermediate, rows: total, input: x, output: intermediate, flags: MLK_GELU)
            linear(layer.output, rows: total, input: intermediate, output: x, flags: MLK_ACCUMULATE)
            layerNorm(x, rows: total, layer.outputNorm)
        }

        return sequences.indices.map { index in
            [Float](unsafeUninitializedCapacity: hidden) { buffer, count in
                mlk_mean_pool_normalize(x.base + offsets[index] * hidden, Int32(sequences[index].count), Int32(hidden), Int32(hidden),
                                        buffer.baseAddress)
                count = hidden
            }
        }
    }

    /// `output = input · Wᵀ + b` (plus `output` when accumulating, GELU when asked), split over
    /// threads by ranges of weight panels so every thread streams a different part of the weight.
    private func linear(_ layer: PackedLinear, rows: Int, input: SharedPointer, output: SharedPointer, flags: Int32) {
        let panels = Int(mlk_panel_count(Int32(layer.outputs)))
        let parts = rows * layer.outputs * layer.inputs < parallelThreshold ? 1 : min(Parallel.width, panels)
        Parallel.run(parts) { part in
            let range = Parallel.slice(panels, part: part, of: parts)
            mlk_linear(Int32(rows), Int32(layer.outputs), Int32(layer.inputs), input.base, Int32(layer.inputs), layer.weight.pointer,
                       layer.bias.pointer, output.base, Int32(layer.outputs), Int32(range.lowerBound), Int32(range.upperBound), flags)
        }
    }

    /// Self-attention of every sequence; the work units are (sequence, group of heads) pairs, with
    /// heads split only when there are fewer sequences than cores.
    private func attention(qkv: SharedPointer, context: SharedPointer, offsets: [Int]) {
        let c = configuration
        let sequences = offsets.count - 1
        let headGroups = sequences >= Parallel.width ? 1 : min(c.headCount, Parallel.width)
        let longest = (0..<sequences).map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0
        let units = longest * longest * sequences < 4096 ? 1 : sequences * headGroups
        let scratchCount = mlk_attention_scratch_count(Int32(longest), Int32(c.headSize))
        Parallel.run(units) { unit in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
            defer { scratch.deallocate() }
            let sequenceRange = units == 1 ? 0..<sequences : (unit / headGroups)..<(unit / headGroups + 1)
            let heads = units == 1 ? 0..<c.headCount : Parallel.slice(c.headCount, part: unit % headGroups, of: headGroups)
            for sequence in sequenceRange {
                let start = offsets[sequence]
                mlk_attention(qkv.base + start * 3 * c.hiddenSize, Int32(3 * c.hiddenSize), Int32(offsets[sequence + 1] - start),
                              Int32(c.headCount), Int32(c.headSize), Int32(heads.lowerBound), Int32(heads.upperBound),
                              context.base + start * c.hiddenSize, Int32(c.hiddenSize), scratch)
            }
        }
    }

    private func layerNorm(_ x: SharedPointer, rows: Int, _ norm: LayerNormWeights) {
        let hidden = configuration.hiddenSize
        let parts = rows < 256 ? 1 : Parallel.width
        Parallel.run(parts) { part in
            let range = Parallel.slice(rows, part: part, of: parts)
            mlk_layer_norm(x.base + range.lowerBound * hidden, Int32(range.count), Int32(hidden), Int32(hidden), norm.gamma.pointer,
                           norm.beta.pointer, configuration.layerNormEpsilon)
        }
    }
}
