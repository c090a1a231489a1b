/// A UTC instant with millisecond precision, written as RFC 3339 `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// One fixed-width format everywhere (events, read model, answers) so that text order is time order.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    public var description: String { rfc3339 }

    /// The current wall-clock time.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// `2026-12-03T18:50:43.123Z`.
    public var rfc3339: String {
        let ms = Int(((milliseconds % 1000) + 1000) % 1000)
        let seconds = (milliseconds - Int64(ms)) / 1000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        // Written in place: the read model and every answer format times, so this runs once per row.
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var v = value.magnitude
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    out[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0); out[4] = 45; put(month, 2, at: 5); out[7] = 45; put(day, 2, at: 8); out[10] = 84
            put(secondOfDay / 3600, 2, at: 11); out[13] = 58; put(secondOfDay / 60 % 60, 2, at: 14); out[16] = 58
            put(secondOfDay % 60, 2, at: 17); out[19] = 46; put(ms, 3, at: 20); out[23] = 90
            return 24
        }
    }

    /// Parses RFC 3339 (`Z` or a numeric offset; fractional seconds optional, truncated to ms).
    /// A bare date `YYYY-MM-DD` means its midnight UTC.
    public init?(rfc3339 text: String) {
        var text = text
        guard let milliseconds = text.withUTF8({ Self.milliseconds(rfc3339: $0) }) else { return nil }
        self.milliseconds = milliseconds
    }

    private static func milliseconds(rfc3339 b: UnsafeBufferPointer<UInt8>) -> Int64? {
        func num(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var v = 0
            for i in start..<(start + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 10, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45,
            let day = num(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Int64(days(fromCivil: year, month, day)) * 86_400
        var millis: Int64 = 0
        if b.count > 10 {
            guard b.count >= 20, b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = num(11, 2), b[13] == 58,
                let minute = num(14, 2), b[16] == 58, let second = num(17, 2), hour < 24, minute < 60, second <= 60
            else { return nil }
            seconds += Int64(hour * 3600 + minute * 60 + second)
            var i = 19
            if i < b.count, b[i] == 46 {
                i += 1
                var scale: Int64 = 100
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    millis += Int64(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
            guard i < b.count else { return nil }
            if b[i] == 90 || b[i] == 122 {
                guard i + 1 == b.count else { return nil }
            } else if b[i] == 43 || b[i] == 45 {
                guard i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2), oh < 24, om < 60
                else { return nil }
                let offset = Int64(oh * 3600 + om * 60)
                seconds += b[i] == 43 ? -offset : offset
            } else {
                return nil
            }
        }
        return seconds * 1000 + millis
    }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

#if canImport(Glibc)
    import Glibc
#endif
