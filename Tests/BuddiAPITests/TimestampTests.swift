@testable import BuddiAPI
import Foundation
import Testing

@Suite("Timestamps")
struct TimestampTests {
    /// Milliseconds since 1970, what both readers must agree on.
    private func milliseconds(_ date: Date?) -> Int64? {
        date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    @Test("the fast reader gives what Foundation gives for every shape it reads: random times of 1600–2100 with Z, an offset, no zone, a space, 0–3 fraction digits, and bare dates")
    func fastAgreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        for _ in 0..<3000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -11_676_096_000_000...4_102_444_799_999, using: &generator)) / 1000)
            let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
            let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            let time = String(format: "%02d:%02d:%02d", c.hour!, c.minute!, c.second!)
            let fraction = String(format: "%03d", Int((Double(c.nanosecond!) / 1e6).rounded(.down)))
            let zone = ["Z", "+00:00", "+05:30", "-08:00", "", "+14:00", "-00:30", "+18:00", "-18:00"].randomElement(using: &generator)!
            let digits = Int.random(in: 0...3, using: &generator)
            let texts = [
                day, "\(day)T\(time)\(zone)", "\(day) \(time)\(zone)",
                "\(day)T\(time)\(digits == 0 ? "" : "." + fraction.prefix(digits))\(zone)",
            ]
            for text in texts {
                let fast = try #require(RFC3339Time.parse(text), "fast reader refused \(text)")
                #expect(milliseconds(fast) == milliseconds(BuddiTimestamp.parse(foundationISO8601: text)), "\(text)")
            }
        }
    }

    @Test("the fast reader leaves to Foundation what it does not read, and refuses impossible dates and times", arguments: [
        "2024-02-30", "2023-02-29T00:00:00Z", "2024-13-01", "2024-00-10", "2024-01-01T24:00:00Z", "2024-01-01T10:60:00Z",
        "2024-01-01T10:00:60Z", "2024-01-01T10:00:00.Z", "2024-01-01T10:00:00.1234Z", "2024-01-01T10:00:00+0530",
        "2024-01-01T10:00Z", " 2024-01-01T10:00:00Z", "2024-01-01T10:00:00z", "2024-1-01", "yesterday", "",
        "2024-06-01T10:00:00+18:01", "2024-06-01T10:00:00-23:59", "1582-10-20T00:00:00Z", "0999-01-01",
    ])
    func fastRefuses(_ text: String) {
        #expect(RFC3339Time.parse(text) == nil)
    }

    @Test("leap days, the ends of centuries and zones that cross a day are read right")
    func calendarEdges() throws {
        let cases: [(String, Int64)] = [
            ("2024-02-29T12:00:00Z", 1_709_208_000_000), ("2000-02-29", 951_782_400_000), ("2100-02-28T23:59:59.999Z", 4_107_542_399_999),
            ("1970-01-01T00:00:00+01:00", -3_600_000), ("2025-08-11T09:12:00.250+02:00", 1_754_896_320_250),
            ("2025-12-31T23:30:00-01:00", 1_767_227_400_000),
        ]
        for (text, expected) in cases {
            #expect(milliseconds(RFC3339Time.parse(text)) == expected, "\(text)")
        }
        // An offset past 18 hours stays refused, as Foundation refused it before the fast reader.
        #expect(BuddiTimestamp.parse(iso8601: "2024-06-01T10:00:00+19:00") == nil)
        // Foundation still reads what the fast reader leaves: more fraction digits, a space around.
        #expect(milliseconds(BuddiTimestamp.parse(iso8601: " 2025-08-11T09:12:00.250123Z ")) == 1_754_903_520_250)
    }
}
