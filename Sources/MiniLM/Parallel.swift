import Dispatch
import Foundation

/// Spreads CPU-bound kernel calls over the machine's cores with `DispatchQueue.concurrentPerform`.
///
/// concurrentPerform runs the iterations on Dispatch's own worker threads plus the calling thread
/// and returns when all are done, so the caller's thread is blocked for the duration of the call.
/// That is why `MiniLMModel.embed` is synchronous: async callers should hop to a thread of their
/// own (for example a dedicated serial `DispatchQueue`) rather than run it on the cooperative pool.
enum Parallel {
    /// Number of cores to use.
    static let width = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(0..<count)`, in parallel when `count > 1`.
    static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count == 1 {
            body(0)
        } else if count > 1 {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }

    /// The `part`-th of `parts` nearly equal contiguous slices of `0..<total`.
    static func slice(_ total: Int, part: Int, of parts: Int) -> Range<Int> {
        (total * part / parts)..<(total * (part + 1) / parts)
    }
}

/// A pointer to scratch memory handed to the iterations of one `Parallel.run` call.
///
/// `@unchecked Sendable` because the iterations of a call either only read the memory or write
/// disjoint ranges of it, and `Parallel.run` returns only after every iteration has finished, so
/// the memory outlives all uses and no two threads touch the same element concurrently.
struct SharedPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>

    init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
}
