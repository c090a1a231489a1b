import CSQLite
import Crypto

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
        let hex = String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(argument))), as: UTF8.self)
        guard let bytes = Crypto.bytes(fromHex: hex) else {
            sqlite3_result_null(context)
            return
        }
        bytes.withUnsafeBytes { buffer in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
            sqlite3_result_blob(context, buffer.baseAddress, Int32(buffer.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }
}
