@testable import BuddiAPI
import Foundation
import Testing

@Suite("Memory decoding")
struct MemoryDecodingTests {
    private func decode(_ json: String) throws -> JSONValue {
        try JSONValue(parsing: Data(json.utf8))
    }

    @Test("JSON parsing tells booleans from numbers and matches Decodable")
    func parsing() throws {
        let json = #"{"t": true, "f": false, "one": 1, "zero": 0, "half": 1.5, "none": null, "s": "Zoë 🧠", "a": [1, "x"]}"#
        let parsed = try decode(json)
        #expect(parsed == ["t": true, "f": false, "one": 1, "zero": 0, "half": 1.5, "none": nil, "s": "Zoë 🧠", "a": [1, "x"]])
        #expect(parsed == (try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))))
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Data(#"{"memories": [{"id": "#.utf8)) }
    }

    @Test("the flat shape")
    func flat() throws {
        let raw = try decode(#"{"id": "abc123", "title": "Meeting Notes", "text": "Discussed project timeline...", "created_at": "2025-08-11T09:12:00Z"}"#)
        let memory = try Memory(raw: raw)
        #expect(memory.id == "abc123")
        #expect(memory.title == "Meeting Notes")
        #expect(memory.text == "Discussed project timeline...")
        #expect(memory.createdAt == Date(timeIntervalSince1970: 1_754_903_520))
        #expect(memory.actionItems.isEmpty)
        #expect(memory.raw == raw)
    }

    @Test("the rich shape, with action items as objects and strings, and unknown fields kept raw")
    func rich() throws {
        let raw = try decode(#"""
            {"id": "m1", "created_at": "2025-08-11T09:12:00.250+02:00", "finished_at": "2025-08-11 09:20:00",
             "language": "en", "discarded": false, "new_field": {"x": 1},
             "structured": {"title": "Zoë", "overview": "Good talk", "emoji": "🧠", "category": "work",
                            "action_items": [{"description": "Call José", "completed": true}, "Buy milk", 42]},
             "transcript_segments": [{"text": "Hi", "speaker": "SPEAKER_00", "speaker_id": 0, "is_user": true, "start": 0, "end": 4.2}],
             "plugins_results": [{"plugin_id": "p", "content": "c"}]}
            """#)
        let memory = try Memory(raw: raw)
        #expect(memory.title == "Zoë")
        #expect(memory.text == "Good talk")
        #expect(memory.emoji == "🧠")
        #expect(memory.actionItems == [ActionItem(description: "Call José", completed: true), ActionItem(description: "Buy milk")])
        #expect(memory.transcriptSegments.first?.end == 4.2)
        #expect(memory.transcriptSegments.first?.speakerID == 0)
        #expect(memory.pluginResults.first?.content == "c")
        #expect(memory.createdAt == Date(timeIntervalSince1970: 1_754_896_320.25))
        #expect(memory.finishedAt == Date(timeIntervalSince1970: 1_754_903_520 + 480))
        #expect(memory.raw["new_field"]?["x"] == 1)
        #expect(memory.discarded == false)
    }

    @Test("optional fields may be missing or of the wrong type; a bad timestamp is nil")
    func lenient() throws {
        let memory = try Memory(raw: try decode(#"{"id": "x", "title": 5, "created_at": "yesterday", "structured": "?"}"#))
        #expect(memory.title == nil)
        #expect(memory.createdAt == nil)
        #expect(memory.category == nil)
    }

    @Test("id must be a non-empty string", arguments: [
        (#"{"title": "t"}"#, "`id` is missing"),
        (#"{"id": ""}"#, "`id` is an empty string"),
        (#"{"id": 12}"#, "`id` is a number, not a string"),
        (#"{"id": null}"#, "`id` is null, not a string"),
        (#"["id"]"#, "it is an array, not an object"),
    ])
    func strictID(json: String, reason: String) throws {
        #expect(throws: MemoryDecodingError(id: nil, reason: reason)) { try Memory(raw: try decode(json)) }
    }

    @Test("dates for the date parameter", arguments: ["2025-08-11", "2024-02-29"])
    func validDates(text: String) {
        #expect(BuddiDate(text)?.description == text)
    }

    @Test("times outside 2000–2100 (milliseconds, year 9999) are treated as absent, not trusted")
    func implausibleTimes() throws {
        let memory = try Memory(raw: try decode(#"""
            {"id": "m1", "created_at": 1754896320250, "started_at": "9999-12-31T00:00:00Z", "finished_at": 1754896320}
            """#))
        #expect(memory.createdAt == nil)
        #expect(memory.startedAt == nil)
        #expect(memory.finishedAt == Date(timeIntervalSince1970: 1_754_896_320))
    }

    @Test("impossible or misformatted dates are refused", arguments: ["2025-02-30", "2025-8-11", "11-08-2025", "2025-08-11T00:00:00Z", "", "+025-08-11", "2025-+8-11"])
    func invalidDates(text: String) {
        #expect(BuddiDate(text) == nil)
    }
}
