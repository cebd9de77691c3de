import BuddiAPI

import Foundation
import Testing

@Suite("JSON reader and writer")
struct JSONReaderTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: Data(text.utf8))
    }

    @Test("values, escapes and surrogate pairs parse as Foundation would")
    func parsesLikeFoundation() throws {
        let text = #"{"a": [1, -2.5e3, true, false, null], "s": "line\nbreak \"quoted\" \u00e9 \ud83d\ude00 \/", "o": {}}"#
        let value = try parse(text)
        #expect(value["a"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]))
        #expect(value["s"] == .string("line\nbreak \"quoted\" é 😀 /"))
        #expect(value["o"] == .object([:]))
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(foundation?["s"] as? String == value["s"]?.stringValue)
    }

    @Test("what the writer writes, the reader reads back unchanged")
    func roundTrip() throws {
        let value: JSONValue = [
            "text": "tab\there, quote \" backslash \\ control \u{01} emoji 🧠 name Zoë",
            "numbers": [0, 1.5, -3, 1e-7, 123456789012],
            "nested": ["list": [nil, true], "empty": [:]],
        ]
        #expect(try parse(value.jsonText) == value)
        #expect(value.jsonText.hasPrefix(#"{"nested":{"empty":{},"list":[null,true]},"numbers":[0,1.5,-3,1e-07,123456789012]"#))
    }

    @Test("strings are written as the canonical form says: quote, backslash, LF, CR and TAB escaped by a backslash, other controls as lower-case \\u00xx, the rest as it is, at the start, middle and end")
    func stringEscapes() {
        let text = "\"a\\b\nc\rd\te\u{01}f\u{1F}é 🧠\u{7F}\\"
        #expect(JSONValue.string(text).jsonText == #""\"a\\b\nc\rd\te\u0001f\u001fé 🧠\#u{7F}\\""#)
        #expect(JSONValue.string("").jsonText == #""""#)
        #expect(JSONValue.string("plain").jsonText == #""plain""#)
        #expect(JSONValue.object(["k\"": .string("\n")]).jsonText == #"{"k\"":"\n"}"#)
    }

    @Test("malformed JSON is an error that says where", arguments: [
        #"{"a": 1"#, #"{"a" 1}"#, "[1, 2,]", #""unterminated"#, "tru", "{} extra", #""\ud83d""#, "01x",
    ])
    func malformed(_ text: String) {
        let error = #expect(throws: JSONParseError.self) { try parse(text) }
        #expect(error?.description.contains("at byte") == true)
    }
}
