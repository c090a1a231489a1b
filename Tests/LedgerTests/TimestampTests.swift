import Foundation
import Testing

@testable import Ledger

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(1_796_410_243_123), "2026-12-04T18:50:43.123Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
    ])
    func formatsAndParsesKnownInstants(milliseconds: Int64, text: String) {
        #expect(Timestamp(milliseconds: milliseconds).rfc3339 == text)
        #expect(Timestamp(rfc3339: text)?.milliseconds == milliseconds)
    }

    /// Foundation's ISO 8601 formatter as the reference, over instants spread from 1970 to 2400.
    @Test func agreesWithFoundationAcrossFourCenturies() {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        reference.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let milliseconds = Int64.random(in: 0...13_569_465_600_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = Timestamp(milliseconds: milliseconds).rfc3339
            #expect(text == reference.string(from: date), "\(milliseconds)")
            #expect(Timestamp(rfc3339: text)?.milliseconds == milliseconds)
        }
    }

    @Test func parsesOffsetsBareDatesAndShortFractions() {
        let instant = Timestamp(rfc3339: "2026-12-04T18:50:43Z")
        #expect(Timestamp(rfc3339: "2026-12-04T19:50:43+01:00") == instant)
        #expect(Timestamp(rfc3339: "2026-12-04T13:20:43-05:30") == instant)
        #expect(Timestamp(rfc3339: "2026-12-04")?.rfc3339 == "2026-12-04T00:00:00.000Z")
        #expect(Timestamp(rfc3339: "2026-12-04T18:50:43.1Z")?.rfc3339 == "2026-12-04T18:50:43.100Z")
        #expect(Timestamp(rfc3339: "2026-12-04T18:50:43.123456Z")?.rfc3339 == "2026-12-04T18:50:43.123Z")
    }

    @Test(arguments: ["", "2026", "2026-13-01", "2026-12-04T25:00:00Z", "2026-12-04T18:50:43", "2026-12-04T18:50:43.Z",
                      "2026-12-04T18:50:43Zjunk", "2026-12-04T18:50:43+0100", "２０２６-12-04"])
    func refusesMalformedText(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}
