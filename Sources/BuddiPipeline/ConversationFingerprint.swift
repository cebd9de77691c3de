import BuddiAPI
import BuddiLedger
import Foundation

/// The fields of a conversation that its Merkle root covers, each as a canonical string: text as
/// stored, JSON as stored, numbers in Swift's shortest round-trip form, string lists as JSON
/// arrays, a missing value as the empty string. The fetch computes the root before it stores the
/// row and `buddi verify` recomputes it from the stored row, so any change to a covered column
/// shows.
///
/// Two versions, named in each anchor's manifest: `conversation-v2` (every conversation stored
/// since 0.2.0) covers `raw`, the memory as stored, with times to the microsecond;
/// `conversation-v1` (stored by 0.1.0) covers `metadata` instead, with times to the millisecond.
enum ConversationFingerprint: String, Sendable {
    case v1 = "conversation-v1"
    case v2 = "conversation-v2"

    /// The fields of `columns` with `analytics`, as this version covers them.
    func fields(of columns: FingerprintedColumns, analytics: StoredAnalytics) throws -> ConversationFields {
        // In name order, so that they need no sorting: v1's `metadata` and v2's `raw` fall on
        // either side of `quality_score`.
        var fields: [(name: String, value: String)] = [
            ("action_items", columns.actionItemsJSON),
            ("buddi_id", columns.buddiID),
            ("category", columns.category ?? ""),
            ("created_at", self == .v1 ? Self.milliseconds(columns.createdAt) : Self.microseconds(columns.createdMicros)),
            ("emoji", columns.emoji ?? ""),
            ("engagement_score", "\(analytics.engagementScore)"),
            ("finished_at", self == .v1 ? Self.milliseconds(columns.finishedAt) : Self.microseconds(columns.finishedMicros)),
            ("keywords", Self.list(analytics.keywords)),
        ]
        if self == .v1 { fields.append(("metadata", columns.memoryJSON)) }
        fields.append(("quality_score", "\(analytics.qualityScore)"))
        if self == .v2 { fields.append(("raw", columns.memoryJSON)) }
        fields += [
            ("sentiment_label", analytics.sentimentLabel),
            ("sentiment_score", "\(analytics.sentimentScore)"),
            ("summary", columns.summary ?? ""),
            ("title", columns.title ?? ""),
            ("topics", Self.list(analytics.topics)),
        ]
        return try ConversationFields(fields)
    }

    /// The root over those fields.
    func merkleRoot(of columns: FingerprintedColumns, analytics: StoredAnalytics) throws -> String {
        MerkleTree(fields: try fields(of: columns, analytics: analytics)).root
    }

    /// What an anchor of this version describes: which conversation, and which fingerprint.
    func manifest(buddiID: String) -> String {
        JSONValue.object(["buddi_id": .string(buddiID), "fingerprint": .string(rawValue)]).jsonText
    }

    /// ISO 8601 in UTC to the millisecond (v1).
    private static func milliseconds(_ date: Date?) -> String {
        guard let date else { return "" }
        return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// ISO 8601 in UTC to the microsecond the database keeps (v2), `2026-12-07T09:30:00.000250Z`,
    /// from whole microseconds by integer arithmetic, so that no rounding can change a digit.
    private static func microseconds(_ micros: Int64?) -> String {
        guard let micros else { return "" }
        let (seconds, fraction) = floorDivision(micros, 1_000_000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civilDate(daysSince1970: days)
        var text: [UInt8] = []
        text.reserveCapacity(27)
        append(year, 4, "-", to: &text)
        append(month, 2, "-", to: &text)
        append(day, 2, "T", to: &text)
        append(secondOfDay / 3600, 2, ":", to: &text)
        append(secondOfDay / 60 % 60, 2, ":", to: &text)
        append(secondOfDay % 60, 2, ".", to: &text)
        append(fraction, 6, "Z", to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = (value % divisor + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's
    /// `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivision(shifted, 146_097).0
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Appends `value` in decimal, zero-padded to `width` characters, then `separator`.
    private static func append(_ value: Int64, _ width: Int, _ separator: Unicode.Scalar, to text: inout [UInt8]) {
        let start = text.count
        var rest = value.magnitude
        repeat {
            text.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if value < 0 { text.append(UInt8(ascii: "-")) }
        while text.count - start < width { text.append(UInt8(ascii: "0")) }
        text[start...].reverse()
        text.append(UInt8(ascii: separator))
    }

    private static func list(_ values: [String]) -> String {
        LedgerValue.canonical(.array(values.map(JSONValue.string)))
    }
}

/// The stored columns of a conversation that its fingerprint covers, as the database returns
/// them (and, for a memory about to be stored, as it will).
struct FingerprintedColumns: Sendable {
    var buddiID: String
    var title: String?
    var summary: String?
    var emoji: String?
    var category: String?
    var actionItemsJSON: String
    /// `raw` (v2), or `metadata` (v1).
    var memoryJSON: String
    /// The times as read from the database, which v1 covers to the millisecond.
    var createdAt: Date?
    var finishedAt: Date?
    /// The times in microseconds since 1970, which v2 covers.
    var createdMicros: Int64?
    var finishedMicros: Int64?
}
