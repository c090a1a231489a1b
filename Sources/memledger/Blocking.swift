import Foundation

/// Runs async domain work from the synchronous command line and waits for it.
///
/// The caller is the main thread, never the cooperative pool, so blocking it on a semaphore is safe.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Carries a task's result to the waiting thread; written once before the semaphore is signalled.
private final class BlockingResult<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
