import CSQLite

/// A prepared statement owned by one `Connection` (and as confined as it is).
public final class Statement {
    let handle: OpaquePointer
    unowned let connection: Connection
    /// The bytes of the bound text and blob values, owned here so SQLite reads them in place
    /// (`SQLITE_STATIC`): valid and unchanged from one `reset(binding:)` to the next, every step between.
    private var scratch: UnsafeMutableRawPointer?
    private var scratchCapacity = 0

    init(handle: OpaquePointer, connection: Connection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
        scratch.map { $0.deallocate() }
    }

    /// Resets the statement and binds `values` to its parameters, in order.
    func reset(binding values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == values.count else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE,
                message: "statement takes \(expected) arguments, \(values.count) given", operation: "bind")
        }
        let base = reserveScratch(for: values)
        var used = 0
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v):
                var text = v
                // An empty string still needs a non-null pointer, or SQLite binds NULL: the scratch has one.
                let start = base + used
                let count = text.withUTF8 { buffer in
                    if let source = buffer.baseAddress { start.copyMemory(from: source, byteCount: buffer.count) }
                    return buffer.count
                }
                used += count
                rc = sqlite3_bind_text(handle, index, start.assumingMemoryBound(to: CChar.self), Int32(count), nil)
            case .blob(let v):
                let start = base + used
                v.withUnsafeBytes { buffer in
                    if let source = buffer.baseAddress { start.copyMemory(from: source, byteCount: buffer.count) }
                }
                used += v.count
                rc = sqlite3_bind_blob(handle, index, start, Int32(v.count), nil)
            }
            guard rc == SQLITE_OK else { throw connection.error(rc, "bind") }
        }
    }

    /// Room for the bytes of every text and blob in `values` (at least one byte, so no pointer is null).
    private func reserveScratch(for values: [SQLValue]) -> UnsafeMutableRawPointer {
        var needed = 1
        for value in values {
            switch value {
            case .text(let v): needed += v.utf8.count
            case .blob(let v): needed += v.count
            default: break
            }
        }
        if let scratch, needed <= scratchCapacity { return scratch }
        scratch.map { $0.deallocate() }
        scratchCapacity = max(needed, scratchCapacity * 2, 256)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: scratchCapacity, alignment: 16)
        scratch = fresh
        return fresh
    }

    /// Runs the statement with `arguments`, stepping through any rows it returns.
    /// - Returns: the number of rows it changed.
    @discardableResult
    public func run(_ arguments: [SQLValue]) throws -> Int {
        try reset(binding: arguments)
        while try step() {}
        return Int(sqlite3_changes(connection.handle))
    }

    /// Steps once; returns true when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(rc, "step")
            sqlite3_reset(handle)
            throw error
        }
    }
}
