import Dispatch
import Foundation
import Ledger
import Search
import SQLite
import Synchronization

/// Builds the memory projections from the ledger into a separate database: a full rebuild, or the
/// store as it was at a position or a time (point-in-time). The same projector code as the live path.
///
/// Fast because the work is split and ordered: a reading thread fetches the next batch of events (no
/// hashes) and derives their rows on every core, while the writer inserts the previous batch into
/// `memories` alone, with no index to keep (it tracks which row holds each memory); the indexes, the per-user
/// counts and the full-text rows are then built in bulk (in that order, so the read model is complete
/// first), the full-text terms derived on every core, for the rows still live only.
public enum MemoryRebuilder {
    /// Where to stop.
    public enum Bound: Sendable, Hashable {
        case end
        case position(Int64)
        /// Every event whose time is ≤ this.
        case time(Timestamp)
    }

    /// What a rebuild did and where its time went.
    public struct Report: Sendable, Hashable {
        /// Events applied.
        public var events: Int64
        /// The last position applied (0 when none).
        public var lastPosition: Int64
        /// Reading and applying every event to `memories`, its indexes included.
        public var readModelSeconds: Double
        /// Building `memory_counts` and the full-text index from the finished `memories`.
        public var fullTextSeconds: Double
        /// Rows written to the full-text index.
        public var fullTextRows: Int64
        /// Of `readModelSeconds`: the writer waiting for the reading thread, applying events, and
        /// building the secondary indexes.
        public var waitSeconds: Double
        public var applySeconds: Double
        public var indexSeconds: Double
    }

    /// Events per batch: large enough to amortise a transaction, small enough that reading the next
    /// batch overlaps applying this one.
    static let batchSize = 8_192

    /// How much of the ledger and of the target a rebuild maps into memory (SQLite caps it at its own limit).
    static let mappedBytes = 8 << 30

    /// Replays the ledger at `source` into a new database at `target` (which must not exist).
    /// - Returns: the number of events applied and the last position applied.
    @discardableResult
    public static func rebuild(
        from source: Ledger, into target: String, until bound: Bound = .end, progress: ((Int64) -> Void)? = nil
    ) throws -> (events: Int64, lastPosition: Int64) {
        let report = try rebuildReporting(from: source, into: target, until: bound, progress: progress)
        return (report.events, report.lastPosition)
    }

    /// `rebuild(from:into:until:progress:)`, telling how long each phase took.
    public static func rebuildReporting(
        from source: Ledger, into target: String, until bound: Bound = .end, progress: ((Int64) -> Void)? = nil
    ) throws -> Report {
        guard !FileManager.default.fileExists(atPath: target) else {
            throw MemoryError.invalid("\(target) already exists; choose a new file")
        }
        do {
            return try load(from: source, into: target, until: bound, progress: progress)
        } catch {
            // With no journal, a load that failed half-way leaves no usable file: none is left behind.
            Connection.removeFiles(at: target)
            throw error
        }
    }

    private static func load(
        from source: Ledger, into target: String, until bound: Bound, progress: ((Int64) -> Void)?
    ) throws -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        // Create the schema, then fill the tables on a connection tuned for a throwaway bulk load: the
        // file is useless until the rebuild finishes anyway, so no journal and no syncing.
        try Ledger(path: target).close()
        var options = ConnectionOptions()
        options.durable = false
        let db = try Connection(path: target, options: options)
        // The schema ledger's writer connection is released just after `close()` returns.
        try db.retryingWhileBusy(for: 10) { try db.execute("PRAGMA journal_mode=OFF") }
        // `threads` lets SQLite sort for CREATE INDEX on a second core. A 64 MB page cache while loading: the rows arrive
        // in `seq` order, so each page is filled once and spilled to the file when the cache is full; a
        // larger cache buys nothing and costs page faults (1 GiB made a 1M-event rebuild 10–30% slower).
        try db.execute("PRAGMA synchronous=OFF; PRAGMA cache_size=-65536; PRAGMA threads=2; PRAGMA mmap_size=\(mappedBytes)")

        // Every index is built once, sorted, after the rows are in: the writer tracks which row holds each
        // memory, so it never looks a row up by id.
        let indexes = try db.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'memories' AND sql IS NOT NULL"
        ) { ($0.string(0), $0.string(1)) }
        for (name, _) in indexes { try db.execute("DROP INDEX \"\(name)\"") }

        var eventFilter = EventFilter()
        if case .time(let t) = bound { eventFilter.until = t }
        var lastWanted = Int64.max
        if case .position(let p) = bound { lastWanted = p }
        let (filter, through) = (eventFilter, lastWanted)
        let handoff = BatchHandoff(capacity: 3)
        let sourcePath = source.path
        let reader = Thread {
            var after: Int64 = 0
            // A connection of its own that maps the ledger file: the whole ledger is read once, in order,
            // and mapped pages cost neither a copy nor a page-cache buffer.
            let ledgerFile: Connection
            do {
                ledgerFile = try Connection(path: sourcePath, options: ConnectionOptions(mode: .readOnly))
                try ledgerFile.execute("PRAGMA mmap_size=\(mappedBytes)")
            } catch {
                handoff.put(.failure(error))
                return
            }
            while !handoff.isCancelled {
                do {
                    // A small first batch lets the writer start at once.
                    let limit = after == 0 ? batchSize / 8 : batchSize
                    let events = try Ledger.replayEvents(after: after, through: through, limit: limit, filter: filter, in: ledgerFile)
                    guard let last = events.last else { break }
                    after = last.position
                    handoff.put(.success(derive(events)))
                    handoff.freeReturned()
                } catch {
                    handoff.put(.failure(error))
                    return
                }
            }
            handoff.put(.success([]))
        }
        reader.start()
        defer { handoff.cancel() }

        // Room for every memory of a ledger up to a few million events, so the row map is not rehashed as it grows.
        var writer = try BulkMemoryWriter(db, expecting: Int(min(try source.head().position, lastWanted, 4_000_000)))
        var applied: Int64 = 0
        var lastPosition: Int64 = 0
        var (waitSeconds, applySeconds) = (0.0, 0.0)
        // One transaction for every event: with no journal a large transaction costs nothing more, its pages
        // spilling to the file only when the cache is full, and nothing is written twice.
        try db.writeTransaction {
            while true {
                let waitStart = clock.now
                var batch = try handoff.take().get()
                let applyStart = clock.now
                waitSeconds += seconds(waitStart, applyStart, clock: clock)
                guard let last = batch.last else { break }
                for derived in batch { try writer.apply(derived) }
                applySeconds += seconds(applyStart, clock.now, clock: clock)
                applied += Int64(batch.count)
                lastPosition = last.position
                progress?(applied)
                // Freeing a batch (thousands of strings and arrays) is not the writer's work.
                handoff.giveBack(&batch)
            }
        }
        let indexStart = clock.now
        // A small cache for the sorts, and their runs in temporary files: SQLite's sorter keeps runs of at
        // most the cache's size and, with `threads`, sorts each full run on a second core while it goes on
        // reading the table (not when temporary files are in memory). One run of 64 MB is sorted on one
        // core after the scan; 4 MB runs halve the time of the random-key indexes (id, fingerprint) at 1M rows.
        try db.execute("PRAGMA cache_size=-4096; PRAGMA temp_store=FILE")
        try db.writeTransaction {
            for (_, sql) in indexes { try db.execute(sql) }
        }
        let readModelDone = clock.now

        // Full-text terms are derived on every core, a few chunks ahead of the inserts.
        var fullText = FullTextLoad()
        let rows = try db.writeTransaction {
            try db.run("INSERT INTO memory_counts (user_id, live) SELECT user_id, count(*) FROM memories GROUP BY user_id")
            let rows = try fullText.insertAll(into: db)
            try db.run(
                "INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)", .text(MemoryProjector().name), .integer(lastPosition))
            return rows
        }
        try db.execute("PRAGMA journal_mode=WAL")
        let end = clock.now
        return Report(
            events: applied, lastPosition: lastPosition, readModelSeconds: seconds(start, readModelDone, clock: clock),
            fullTextSeconds: seconds(readModelDone, end, clock: clock), fullTextRows: rows, waitSeconds: waitSeconds,
            applySeconds: applySeconds, indexSeconds: seconds(indexStart, readModelDone, clock: clock))
    }

    /// What each event does, derived on every core: the writer's core is mostly idle while it waits.
    static func derive(_ events: [RecordedEvent]) -> [MemoryProjector.Derived] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1, events.count >= 1_024 else { return events.map(MemoryProjector.Derived.init) }
        // More parts than cores, so a core the writer takes back for a while leaves no part waiting on it.
        let parts = min(cores, 8) * 4
        return Array(unsafeUninitializedCapacity: events.count) { buffer, initialized in
            // Each part initialises its own slice of the buffer; all are done when concurrentPerform returns.
            nonisolated(unsafe) let base = buffer.baseAddress!
            let share = (events.count + parts - 1) / parts
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for i in part * share..<min(events.count, (part + 1) * share) {
                    (base + i).initialize(to: MemoryProjector.Derived(events[i]))
                }
            }
            initialized = events.count
        }
    }

    static func seconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
        let parts = from.duration(to: to).components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// The projected rows of a store, table by table, whole (small stores in tests; `ProjectedRows`
    /// reads large ones a chunk at a time).
    public static func snapshot(of db: Connection) throws -> [String: [[SQLValue]]] {
        var tables: [String: [[SQLValue]]] = [:]
        for table in ProjectedRows.tables {
            var rows = ProjectedRows(table, in: db)
            var all: [[SQLValue]] = []
            while let row = try rows.next() { all.append(row) }
            tables[table.name] = all
        }
        return tables
    }
}

/// The bulk build of the full-text index: the rows of every memory with content, read in `seq` order
/// by chunks whose terms are derived on a concurrent queue, then inserted by the connection's thread.
struct FullTextLoad {
    static let chunkSize = 4_096
    /// Chunks being derived ahead of the inserts.
    static let readAhead = 4
    private let workers = DispatchQueue(label: "memledger.rebuild.fulltext", attributes: .concurrent)
    private var inFlight: [Pending<[(Int64, String)]>] = []
    private var after: Int64 = 0
    private var exhausted = false

    /// Reads chunks and queues their derivation until `readAhead` chunks are waiting or the rows run out.
    private mutating func queue(from db: Connection) throws {
        while !exhausted && inFlight.count < Self.readAhead {
            let chunk = try db.query(
                "SELECT seq, content FROM memories WHERE seq > ? AND content IS NOT NULL ORDER BY seq LIMIT ?",
                [.integer(after), .int(Self.chunkSize)]
            ) { ($0.int64(0), $0.string(1)) }
            guard let last = chunk.last else {
                exhausted = true
                return
            }
            after = last.0
            inFlight.append(Pending(on: workers) { chunk.map { ($0.0, TextNormalizer.ftsText(for: $0.1)) } })
        }
    }

    /// Inserts every row into `memories_fts`, inside the caller's transaction, keeping a few chunks
    /// being derived ahead of the inserts.
    /// - Returns: the rows written.
    mutating func insertAll(into db: Connection) throws -> Int64 {
        var written: Int64 = 0
        while true {
            try queue(from: db)
            guard !inFlight.isEmpty else { return written }
            for (seq, terms) in inFlight.removeFirst().wait() {
                try db.run("INSERT INTO memories_fts (rowid, terms) VALUES (?, ?)", .integer(seq), .text(terms))
                written += 1
            }
        }
    }
}

/// Batches of decoded events passed from the rebuild's reading thread to its writer, at most
/// `capacity` waiting, so reading runs ahead of writing without holding the whole ledger in memory.
final class BatchHandoff: Sendable {
    typealias Batch = [MemoryProjector.Derived]
    private let queue = Mutex<[Result<Batch, any Error>]>([])
    private let cancelled = Atomic<Bool>(false)
    private let filled = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore

    init(capacity: Int) { free = DispatchSemaphore(value: capacity) }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Waits for room, then queues `batch` (an empty batch means the end); dropped once cancelled.
    func put(_ batch: Result<Batch, any Error>) {
        guard !isCancelled else { return }
        free.wait()
        guard !isCancelled else { return }
        queue.withLock { $0.append(batch) }
        filled.signal()
    }

    private let returned = Mutex<[Batch]>([])

    /// Hands a batch the writer is done with back to the reading thread, which allocated it and frees it
    /// (`freeReturned`): freeing memory on the thread that allocated it is what the allocator does best.
    func giveBack(_ batch: inout Batch) {
        var mine: Batch = []
        swap(&mine, &batch)
        returned.withLock { $0.append(mine) }
    }

    /// Frees the batches given back so far (call on the reading thread).
    func freeReturned() {
        var batches: [Batch] = []
        returned.withLock { swap(&batches, &$0) }
    }

    /// Waits for the next batch.
    func take() -> Result<Batch, any Error> {
        filled.wait()
        let batch = queue.withLock { $0.removeFirst() }
        free.signal()
        return batch
    }

    /// Stops the reading thread: it leaves its loop at the next check or when it next waits for room.
    /// Two wake-ups cover the most it can wait after this: a `put` already waiting and the final one.
    func cancel() {
        cancelled.store(true, ordering: .releasing)
        free.signal()
        free.signal()
    }
}

/// The result of work started on a queue, waited for later: read-ahead and parallel derivation.
final class Pending<T: Sendable>: Sendable {
    private let result = Mutex<T?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(on queue: DispatchQueue, _ work: @escaping @Sendable () -> T) {
        queue.async {
            let value = work()
            self.result.withLock { $0 = value }
            self.done.signal()
        }
    }

    func wait() -> T {
        done.wait()
        return result.withLock { $0! }
    }
}

