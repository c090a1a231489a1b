#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cryptographically secure random bytes from the kernel, and the tokens and ids built from them.
///
/// Bytes come from getrandom(2), which blocks only until the kernel pool is first seeded; on a
/// kernel or libc without it, from `/dev/urandom`. If neither works the process stops: handing out
/// predictable API keys or OAuth tokens would be worse than not starting.
public enum SecureRandom {
    /// Returns `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "byte count must not be negative")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// Returns `prefix` followed by `byteCount` random bytes in unpadded base64url.
    ///
    /// A readable prefix (`mlk_`, `mla_`…) lets people and secret scanners recognise what a
    /// leaked string is; 32 bytes give 256 bits, far beyond guessing.
    public static func token(prefix: String, byteCount: Int = 32) -> String {
        prefix + Base64URL.encode(bytes(byteCount))
    }

    /// Returns a random UUID, version 4 (RFC 9562 §5.4), lowercase with hyphens.
    ///
    /// Version 4 reveals nothing about when it was made; use `uuidV7()` where index locality by
    /// creation time matters more than that.
    public static func uuid() -> String {
        var raw = bytes(16)
        raw[6] = raw[6] & 0x0f | 0x40
        raw[8] = raw[8] & 0x3f | 0x80
        return format(uuid: raw)
    }

    /// Returns a time-ordered UUID, version 7 (RFC 9562 §5.7), stamped with the current time.
    public static func uuidV7() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = UInt64(now.tv_sec) &* 1000 &+ UInt64(now.tv_nsec / 1_000_000)
        return uuidV7(unixMilliseconds: milliseconds)
    }

    /// Returns a version 7 UUID whose 48-bit timestamp is `unixMilliseconds`; the other 74 bits
    /// are random.
    public static func uuidV7(unixMilliseconds: UInt64) -> String {
        var raw = bytes(16)
        for index in 0..<6 {
            raw[index] = UInt8(truncatingIfNeeded: unixMilliseconds >> (40 - 8 * UInt64(index)))
        }
        raw[6] = raw[6] & 0x0f | 0x70
        raw[8] = raw[8] & 0x3f | 0x80
        return format(uuid: raw)
    }

    private static func format(uuid raw: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { out in
            var at = 0
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    out[at] = UInt8(ascii: "-")
                    at += 1
                }
                out[at] = digits[Int(byte >> 4)]
                out[at + 1] = digits[Int(byte & 0x0F)]
                at += 2
            }
            return at
        }
    }

    // MARK: - Kernel sources

    private typealias GetRandomFunction = @convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int

    /// getrandom(2) looked up at run time: the Swift Glibc module does not import
    /// `<sys/random.h>`, and a missing symbol (old libc) simply selects the fallback.
    private static let getrandomFunction: GetRandomFunction? = {
        #if os(Linux)
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "getrandom") else {
            return nil
        }
        return unsafeBitCast(symbol, to: GetRandomFunction.self)
        #else
        return nil
        #endif
    }()

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        if let getrandom = getrandomFunction, fillWithGetrandom(buffer, getrandom) { return }
        if fillFromDevice(buffer) { return }
        fatalError("no secure random source: getrandom(2) and /dev/urandom both failed")
    }

    /// Fills the buffer with getrandom(2), continuing after short reads and EINTR.
    /// - Returns: `false` when the system call is unavailable or fails otherwise.
    private static func fillWithGetrandom(
        _ buffer: UnsafeMutableRawBufferPointer, _ getrandom: GetRandomFunction
    ) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let result = getrandom(buffer.baseAddress! + offset, buffer.count - offset, 0)
            if result > 0 {
                offset += result
            } else if result < 0, errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// Fills the buffer from `/dev/urandom`, continuing after short reads and EINTR.
    private static func fillFromDevice(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var descriptor: Int32
        repeat {
            descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { return false }
        defer { _ = close(descriptor) }
        var offset = 0
        while offset < buffer.count {
            let result = read(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if result > 0 {
                offset += result
            } else if result < 0, errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }
}
