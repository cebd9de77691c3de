import BuddiAPI

/// The kinds of bad memory the simulator can serve among good ones (``FaultPlan/badMemoryRate``):
/// each something a client must reject on its own, storing the rest of the page.
package enum BadMemoryKind: String, Sendable, Hashable, CaseIterable {
    /// `title` holds U+0000, which PostgreSQL's `text` refuses.
    case nulInTitle
    /// A transcript segment's `text` holds U+0000 (`jsonb` refuses it too).
    case nulInTranscript
    /// A member name holds U+0000.
    case nulInMemberName
    /// `\ud83d` with no low surrogate after it.
    case loneHighSurrogate
    /// `\ude00` with no high surrogate before it.
    case loneLowSurrogate
    /// `\q`, which JSON does not define.
    case invalidEscape
    /// An array nested 600 levels deep.
    case deepNesting
    /// A raw BEL byte inside a string (JSON wants control characters escaped).
    case controlCharacter
    /// A transcript segment of a little over 1 MiB, past the default field limit.
    case oversizedField
    /// An id of over 6,000 bytes of hex, past the default id limit (and, with the limit raised,
    /// past what a PostgreSQL index entry can hold).
    case longID
    /// An id that is a number.
    case numericID
    /// No id at all.
    case missingID
    /// An id of spaces.
    case blankID
    /// A string where an object belongs.
    case notAnObject

    /// Whether a client can still name the memory by its id (the simulator's id for its serial).
    package var keepsID: Bool {
        switch self {
        case .nulInTitle, .nulInTranscript, .nulInMemberName, .loneHighSurrogate, .loneLowSurrogate, .invalidEscape,
            .deepNesting, .controlCharacter, .oversizedField:
            true
        case .longID, .numericID, .missingID, .blankID, .notAnObject:
            false
        }
    }

    /// The JSON text of `memory` (an object whose id is `id`), broken this way.
    func render(_ memory: JSONValue, id: String) -> String {
        guard case .object(var fields) = memory else { return memory.jsonText }
        switch self {
        case .nulInTitle: fields["title"] = .string("Stand-up\u{0} notes")
        case .nulInTranscript: fields["transcript_segments"] = [["text": .string("so we\u{0} agreed"), "speaker": "SPEAKER_00"]]
        case .nulInMemberName: fields["note\u{0}"] = "hidden"
        case .loneHighSurrogate: return Self.inject(#""title":"party \ud83d time""#, into: fields)
        case .loneLowSurrogate: return Self.inject(#""title":"party \ude00 time""#, into: fields)
        case .invalidEscape: return Self.inject(#""text":"saved to C:\quarterly""#, into: fields)
        case .deepNesting:
            return Self.inject(#""extra":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600), into: fields)
        case .controlCharacter: return Self.inject("\"title\":\"ring \u{7} bell\"", into: fields)
        case .oversizedField:
            fields["transcript_segments"] = [["text": .string(String(repeating: "blah ", count: (1 << 20) / 5 + 100))]]
        case .longID: fields["id"] = .string(id + "-" + Self.noise(seed: id, count: 6000))
        case .numericID: fields["id"] = .number(Double(id.utf8.count * 1000 + 7))
        case .missingID: fields["id"] = nil
        case .blankID: fields["id"] = "   "
        case .notAnObject: return JSONValue.string("memory \(id)").jsonText
        }
        return JSONValue.object(fields).jsonText
    }

    /// `count` hex digits that no compression shrinks much, the same for the same seed.
    private static func noise(seed: String, count: Int) -> String {
        var random = SeededGenerator(seed: SeededGenerator.mix(seed.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        return String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &random)! })
    }

    /// `fields` as JSON with `member` (raw JSON text, possibly invalid) as the first member.
    private static func inject(_ member: String, into fields: [String: JSONValue]) -> String {
        "{" + member + "," + JSONValue.object(fields).jsonText.dropFirst()
    }
}
