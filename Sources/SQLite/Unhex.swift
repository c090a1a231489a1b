import CSQLite

/// `unhex(X)`, built into SQLite from 3.41, for older libraries (Debian 12 has 3.40): the bytes of the
/// hexadecimal text X, or NULL when X is NULL or is not an even number of hexadecimal digits. The
/// migrations use it; nothing else does.
enum Unhex {
    static let builtIn = sqlite3_libversion_number() >= 3_041_000

    static func register(on handle: OpaquePointer) {
        guard !builtIn else { return }
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        sqlite3_create_function_v2(handle, "unhex", 1, flags, nil, function, nil, nil, nil)
    }

    private static let function: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
        context, _, arguments in
        guard let argument = arguments?[0], sqlite3_value_type(argument) != SQLITE_NULL,
            let text = sqlite3_value_text(argument)
        else {
            sqlite3_result_null(context)
            return
        }
        let count = Int(sqlite3_value_bytes(argument))
        guard let bytes = decode(UnsafeBufferPointer(start: text, count: count)) else {
            sqlite3_result_null(context)
            return
        }
        bytes.withUnsafeBytes { buffer in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
            sqlite3_result_blob(context, buffer.baseAddress, Int32(buffer.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// The bytes of hexadecimal text (either case), or nil when it is not hexadecimal.
    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var i = 0
        while i < text.count {
            guard let high = nibble(text[i]), let low = nibble(text[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }
}
