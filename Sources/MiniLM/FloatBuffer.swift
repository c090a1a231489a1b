/// Owned, cache-line aligned `Float` storage for model weights.
///
/// `@unchecked Sendable` because a buffer is filled once while the model loads, before it is
/// shared, and only read afterwards; the encoder keeps its per-call scratch memory elsewhere.
final class FloatBuffer: @unchecked Sendable {
    /// Start of the storage; valid for `count` floats while the buffer lives.
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// Allocates `count` zeroed floats, 64-byte aligned so AVX loads never straddle cache lines.
    init(count: Int) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        self.count = count
    }

    deinit {
        pointer.deallocate()
    }
}
