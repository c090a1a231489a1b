import CKernels
import Foundation
import Testing

/// The C kernels against straightforward double-precision computations, on odd shapes that hit
/// partial tiles, partial panels and several reduction blocks, for both the dispatched (AVX2 on
/// x86-64 machines that have it) and the portable implementation.
struct MatrixKernelTests {
    typealias LinearKernel = @Sendable (Int32, Int32, Int32, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, UnsafePointer<Float>?,
                                        UnsafeMutablePointer<Float>?, Int32, Int32, Int32, Int32) -> Void
    static let linearKernels: [(String, LinearKernel)] = [("dispatched", mlk_linear), ("portable", mlk_linear_portable)]

    /// Deterministic values in [-1, 1).
    private func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    private func gelu(_ x: Double) -> Double { 0.5 * x * (1 + erf(x / 2.0.squareRoot())) }

    @Test(arguments: [(7, 20, 37), (13, 48, 400), (1, 16, 1), (96 + 5, 33, 193)], [0, 1, 2, 3])
    func linearMatchesDefinition(shape: (Int, Int, Int), flags: Int32) {
        let (m, n, k) = shape
        let a = values(m * k, seed: 1), w = values(n * k, seed: 2), bias = values(n, seed: 3), initial = values(m * n, seed: 4)
        var packed = [Float](repeating: .nan, count: mlk_packed_weight_count(Int32(n), Int32(k)))
        mlk_pack_weight(w, Int32(n), Int32(k), &packed)
        for (name, kernel) in Self.linearKernels {
            var c = initial
            let panels = mlk_panel_count(Int32(n))
            // Two calls over disjoint panel ranges, as the encoder's threads make them.
            kernel(Int32(m), Int32(n), Int32(k), a, Int32(k), packed, bias, &c, Int32(n), 0, panels / 2, flags)
            kernel(Int32(m), Int32(n), Int32(k), a, Int32(k), packed, bias, &c, Int32(n), panels / 2, panels, flags)
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var sum = Double(bias[j]) + (flags & MLK_ACCUMULATE != 0 ? Double(initial[i * n + j]) : 0)
                    for p in 0..<k { sum += Double(a[i * k + p]) * Double(w[j * k + p]) }
                    if flags & MLK_GELU != 0 { sum = gelu(sum) }
                    worst = max(worst, abs(sum - Double(c[i * n + j])))
                }
            }
            #expect(worst < 1e-5 * Double(k).squareRoot(), "\(name) m=\(m) n=\(n) k=\(k) flags=\(flags): \(worst)")
        }
    }

    @Test func geluMatchesErfDefinition() {
        let inputs = (-4000...4000).map { Float($0) * 0.0025 } + [-30, -9, 9, 30, 0]
        for (name, kernel) in [("dispatched", mlk_gelu), ("portable", mlk_gelu_portable)] as [(String, (UnsafeMutablePointer<Float>?, Int) -> Void)] {
            var outputs = inputs
            kernel(&outputs, outputs.count)
            let worst = zip(inputs, outputs).map { abs(gelu(Double($0)) - Double($1)) }.max() ?? 0
            #expect(worst < 5e-7, "\(name): \(worst)")
        }
    }

    @Test(arguments: [1, 7, 8, 33, 70])
    func attentionMatchesDefinition(tokens n: Int) {
        let heads = 3, headSize = 32, hidden = heads * headSize
        let qkv = values(n * 3 * hidden, seed: UInt64(n)).map { $0 * 2 }
        var scratch = [Float](repeating: .nan, count: mlk_attention_scratch_count(Int32(n), Int32(headSize)))
        typealias Kernel = (UnsafePointer<Float>?, Int32, Int32, Int32, Int32, Int32, Int32, UnsafeMutablePointer<Float>?, Int32, UnsafeMutablePointer<Float>?) -> Void
        for (name, kernel) in [("dispatched", mlk_attention), ("portable", mlk_attention_portable)] as [(String, Kernel)] {
            var context = [Float](repeating: .nan, count: n * hidden)
            kernel(qkv, Int32(3 * hidden), Int32(n), Int32(heads), Int32(headSize), 0, 1, &context, Int32(hidden), &scratch)
            kernel(qkv, Int32(3 * hidden), Int32(n), Int32(heads), Int32(headSize), 1, Int32(heads), &context, Int32(hidden), &scratch)
            var worst = 0.0
            for h in 0..<heads {
                for i in 0..<n {
                    let scores = (0..<n).map { j in
                        (0..<headSize).reduce(0.0) { $0 + Double(qkv[i * 3 * hidden + h * headSize + $1]) * Double(qkv[j * 3 * hidden + hidden + h * headSize + $1]) }
                            / Double(headSize).squareRoot()
                    }
                    let top = scores.max()!
                    let weights = scores.map { exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for d in 0..<headSize {
                        let expected = (0..<n).reduce(0.0) { $0 + weights[$1] / total * Double(qkv[$1 * 3 * hidden + 2 * hidden + h * headSize + d]) }
                        worst = max(worst, abs(expected - Double(context[i * hidden + h * headSize + d])))
                    }
                }
            }
            #expect(worst < 1e-5, "\(name) n=\(n): \(worst)")
        }
    }

    @Test func layerNormAndPooling() {
        let rows = 3, cols = 384
        var x = values(rows * cols, seed: 9).map { $0 * 5 + 2 }
        let original = x
        let gamma = values(cols, seed: 10), beta = values(cols, seed: 11)
        mlk_layer_norm(&x, Int32(rows), Int32(cols), Int32(cols), gamma, beta, 1e-12)
        for r in 0..<rows {
            let row = original[(r * cols)..<((r + 1) * cols)].map(Double.init)
            let mean = row.reduce(0, +) / Double(cols)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(cols)
            for j in 0..<cols {
                let expected = (row[j] - mean) / (variance + 1e-12).squareRoot() * Double(gamma[j]) + Double(beta[j])
                #expect(abs(expected - Double(x[r * cols + j])) < 1e-5)
            }
        }
        var pooled = [Float](repeating: .nan, count: cols)
        mlk_mean_pool_normalize(original, Int32(rows), Int32(cols), Int32(cols), &pooled)
        let means = (0..<cols).map { j in (0..<rows).reduce(0.0) { $0 + Double(original[$1 * cols + j]) } / Double(rows) }
        let norm = means.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(zip(means, pooled).allSatisfy { abs($0 / norm - Double($1)) < 1e-6 })
    }
}
