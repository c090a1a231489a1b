import CKernels

/// A `Linear` layer with its weight repacked into the panel layout of `mlk_linear`.
struct PackedLinear: Sendable {
    let outputs: Int
    let inputs: Int
    let weight: FloatBuffer
    let bias: FloatBuffer

    /// Packs `[outputs][inputs]` row-major weights, possibly the concatenation of several layers.
    init(weights: [FloatBuffer], biases: [FloatBuffer], outputs: Int, inputs: Int) {
        let stacked = FloatBuffer(count: outputs * inputs)
        var offset = 0
        for part in weights {
            stacked.pointer.advanced(by: offset).update(from: part.pointer, count: part.count)
            offset += part.count
        }
        weight = FloatBuffer(count: mlk_packed_weight_count(Int32(outputs), Int32(inputs)))
        mlk_pack_weight(stacked.pointer, Int32(outputs), Int32(inputs), weight.pointer)
        bias = FloatBuffer(count: outputs)
        offset = 0
        for part in biases {
            bias.pointer.advanced(by: offset).update(from: part.pointer, count: part.count)
            offset += part.count
        }
        self.outputs = outputs
        self.inputs = inputs
    }
}
