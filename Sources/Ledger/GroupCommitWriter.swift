import Foundation
import SQLite
import Synchronization

/// The one writer connection of a process, confined to its own thread, committing queued work in groups.
///
/// Every write job runs inside a savepoint of a shared `BEGIN IMMEDIATE` transaction, so one failing job
/// undoes only itself; the group pays for one durable commit (one WAL fsync) however many jobs it holds.
/// Jobs are synchronous closures: no `await` can land inside a transaction.
final class GroupCommitWriter: Sendable {
    /// A queued unit of work. `@unchecked Sendable`: it is created on the caller's thread and then only
    /// touched by the writer thread, which runs `body` and then `finish` exactly once.
    struct Job: @unchecked Sendable {
        let body: (Connection) throws -> Void
        let finish: (Error?) -> Void
    }

    private struct State {
        var queue: [Job] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let maxGroup: Int

    init(connection: Connection, maxGroup: Int = 256) {
        self.maxGroup = maxGroup
        let box = ConnectionHandoff(connection)
        let thread = Thread { [self] in
            self.loop(box.connection!)
            box.connection = nil  // close it before `stop` returns
            self.done.signal()
        }
        thread.name = "memledger.writer"
        thread.start()
    }

    func enqueue(_ job: Job) {
        let accepted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.queue.append(job)
            return true
        }
        if accepted { wakeup.signal() } else { job.finish(LedgerError.closed) }
    }

    /// Finishes queued work, then stops the thread and closes the connection.
    func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        wakeup.signal()
        done.wait()
    }

    /// The longest a group waits for its writers to come back (see `gather`).
    static let gatherWindow = DispatchTimeInterval.microseconds(250)

    private func loop(_ connection: Connection) {
        var lastGroup = 0
        while true {
            wakeup.wait()
            while true {
                gather(upTo: min(lastGroup, maxGroup))
                let (jobs, stopped) = state.withLock { state -> ([Job], Bool) in
                    let n = min(state.queue.count, maxGroup)
                    let jobs = Array(state.queue.prefix(n))
                    state.queue.removeFirst(n)
                    return (jobs, state.stopped)
                }
                if !jobs.isEmpty {
                    commit(jobs, on: connection)
                    lastGroup = jobs.count
                }
                if jobs.count < maxGroup {
                    if stopped && state.withLock({ $0.queue.isEmpty }) { return }
                    break
                }
            }
        }
    }

    /// Before a group starts, waits (at most `gatherWindow`) until as many jobs are queued as the last group
    /// held. Writers that were answered a moment ago queue their next write within microseconds; starting at
    /// once would commit the first of them alone, paying a whole fsync for one append, and leave the rest for
    /// the group after. A lone writer (last group of one) never waits.
    private func gather(upTo wanted: Int) {
        guard wanted > 1 else { return }
        let deadline = DispatchTime.now() + Self.gatherWindow
        while true {
            let (queued, stopped) = state.withLock { ($0.queue.count, $0.stopped) }
            if queued >= wanted || stopped || DispatchTime.now() >= deadline { return }
            // Every enqueue signals; a signal left from earlier only makes this look again.
            if wakeup.wait(timeout: deadline) == .timedOut { return }
        }
    }

    private func commit(_ jobs: [Job], on db: Connection) {
        var outcomes = [Error?](repeating: nil, count: jobs.count)
        do {
            try db.run("BEGIN IMMEDIATE")
        } catch {
            for job in jobs { job.finish(error) }
            return
        }
        for (i, job) in jobs.enumerated() {
            do {
                if jobs.count == 1 {
                    try job.body(db)
                } else {
                    try db.savepoint { try job.body(db) }
                }
            } catch {
                outcomes[i] = error
            }
        }
        if jobs.count == 1, outcomes[0] != nil {
            _ = try? db.run("ROLLBACK")
            jobs[0].finish(outcomes[0])
            return
        }
        do {
            try db.run("COMMIT")
        } catch {
            if db.isInTransaction { _ = try? db.run("ROLLBACK") }
            for job in jobs { job.finish(error) }
            return
        }
        for (job, outcome) in zip(jobs, outcomes) { job.finish(outcome) }
    }
}

/// Hands the writer connection to the writer thread; no other thread touches it afterwards.
private final class ConnectionHandoff: @unchecked Sendable {
    var connection: Connection?
    init(_ connection: Connection) { self.connection = connection }
}
