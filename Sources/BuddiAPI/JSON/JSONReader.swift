import Foundation

/// A JSON parser straight into `JSONValue` (RFC 8259), over UTF-8 bytes. It replaces
/// `JSONSerialization`, whose `NSDictionary` results cost more to convert into Swift values
/// than the parse itself: pages of rich memories are the pipeline's hottest input.
package struct JSONReader {
    /// The input.
    package let bytes: [UInt8]
    /// Where the reader is.
    package var index = 0
    /// How deep in arrays and objects it is.
    package var depth = 0
    /// The deepest nesting of arrays and objects accepted.
    package static let maxDepth = 512
    /// What the strings read so far hold, for ``MemoryScreen``; reset it to start counting anew.
    package var strings = JSONStringFacts()

    /// Parses one JSON value filling the whole input (whitespace aside).
    package static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        try parse(Array(data))
    }

    /// Parses one JSON value filling the whole of `bytes` (whitespace aside).
    package static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var strings = JSONStringFacts()
        return try parse(bytes, strings: &strings)
    }

    /// Parses one JSON value filling the whole of `bytes`, and tells what its strings hold.
    package static func parse(_ bytes: [UInt8], strings: inout JSONStringFacts) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else { throw reader.error("unexpected data after the JSON value") }
        strings = reader.strings
        return value
    }

    /// A reader at the start of `bytes`.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// An error naming `what` and the position.
    package func error(_ what: String) -> JSONParseError {
        JSONParseError(description: "\(what) at byte \(index)")
    }

    /// Steps over whitespace.
    package mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// Reads one value.
    package mutating func value() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func nest() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        // Room for a memory's or a segment's members, so that the table is not grown member by member.
        members.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            members[key] = try value()
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
            index += 1
            return .object(members)
        }
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
            index += 1
            return .array(elements)
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
            word.withUTF8Buffer({ bytes[index..<(index + count)].elementsEqual($0) })
        else { throw error("invalid literal") }
        index += count
    }

    private mutating func number() throws(JSONParseError) -> Double {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        guard index > start, let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)), number.isFinite else {
            index = start
            throw error("invalid value")
        }
        return number
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// Reads one string literal.
    package mutating func string() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw error("control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return strings.noting(String(decoding: bytes[start..<index], as: UTF8.self))
        }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return strings.noting(String(decoding: scalars, as: UTF8.self))
            }
            guard byte != UInt8(ascii: "\\") else {
                index += 1
                try escape(into: &scalars)
                continue
            }
            guard byte >= 0x20 else { throw error("control character in a string") }
            scalars.append(byte)
            index += 1
        }
        throw error("unterminated string")
    }

    private mutating func escape(into output: inout [UInt8]) throws(JSONParseError) {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            if scalar == 0 { strings.containsNUL = true }
            output.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        // Four hex digits exactly: UInt32(_:radix:) would also take a sign ("\\u-000").
        for byte in bytes[index..<(index + 4)] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw error("invalid \\u escape") }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}

/// What the strings a reader has read hold: what ``MemoryScreen`` would otherwise walk a memory
/// for.
package struct JSONStringFacts: Sendable, Equatable {
    /// The longest string (member names included), in UTF-8 bytes, as decoded.
    package var longest = 0
    /// Whether one holds U+0000, which only the escape `\u0000` can put there.
    package var containsNUL = false

    /// No strings read yet.
    package init() {}

    /// Counts `string` in, and returns it.
    mutating func noting(_ string: String) -> String {
        longest = max(longest, string.utf8.count)
        return string
    }
}
