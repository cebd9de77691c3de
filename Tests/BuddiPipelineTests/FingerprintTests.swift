import BuddiAPI
@testable import BuddiPipeline
import Foundation
import Testing

/// What the fingerprints cover, computed without the database.
@Suite("Conversation fingerprints")
struct FingerprintTests {
    private func createdAt(_ micros: Int64) throws -> String {
        let columns = FingerprintedColumns(buddiID: "m", actionItemsJSON: "[]", memoryJSON: "{}", createdMicros: micros)
        let analytics = StoredAnalytics(sentimentScore: 0, sentimentLabel: "neutral", keywords: [], topics: [], qualityScore: 0, engagementScore: 0)
        let fields = try ConversationFingerprint.v2.fields(of: columns, analytics: analytics)
        return try #require(fields.fields.first { $0.name == "created_at" }).value
    }

    @Test("v2 writes times to the microsecond, as ISO 8601 in UTC, the same as Foundation's calendar for any day")
    func microsecondTimes() throws {
        #expect(try createdAt(0) == "1970-01-01T00:00:00.000000Z")
        #expect(try createdAt(951_782_400_000_250) == "2000-02-29T00:00:00.000250Z")
        #expect(try createdAt(-1) == "1969-12-31T23:59:59.999999Z")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -2_208_988_800...253_402_300_799, using: &random)  // 1900 to 9999
            let micros = seconds * 1_000_000 + Int64.random(in: 0..<1_000_000, using: &random)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!,
                Int(micros - seconds * 1_000_000))
            #expect(try createdAt(micros) == expected, "\(micros)")
        }
    }
}
