
/// Reads a page body's structure — the envelope, each element of `memories`, `next_cursor` —
/// without letting one element it cannot read sink the rest: such an element is stepped over by
/// its structure and handed back with why it could not be read.
struct PageReader {
    /// One element of `memories`, read or not, with where it lies in the body.
    enum Element {
        case read(JSONValue, bytes: Range<Int>, strings: JSONStringFacts)
        case unreadable(reason: String, id: String?, bytes: Range<Int>)
    }

    /// The envelope's members other than `memories` (`next_cursor` among them).
    private(set) var members: [String: JSONValue] = [:]
    /// `memories`' elements, or nil when the body has no `memories` array.
    private(set) var elements: [Element]?
    /// `memories` when it is not an array.
    private(set) var memoriesValue: JSONValue?
    /// The body when it is a JSON value other than an object.
    private(set) var nonObject: JSONValue?
    /// The body's bytes.
    let bytes: [UInt8]

    /// Reads `bytes`, which must hold one JSON object. Throws when the body's structure cannot be
    /// read: not JSON, cut short, or an envelope member other than `memories` that is unreadable.
    init(bytes: [UInt8]) throws(JSONParseError) {
        self.bytes = bytes
        var reader = JSONReader(bytes: bytes)
        reader.skipWhitespace()
        guard reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: "{") else {
            nonObject = try JSONReader.parse(bytes)
            return
        }
        reader.index += 1
        reader.skipWhitespace()
        if reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            try readMembers(&reader)
        }
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.error("unexpected data after the JSON value") }
    }

    private mutating func readMembers(_ reader: inout JSONReader) throws(JSONParseError) {
        while true {
            reader.skipWhitespace()
            guard reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: "\"") else { throw reader.error("expected a member name") }
            let key = try reader.string()
            reader.skipWhitespace()
            guard reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: ":") else { throw reader.error("expected ':'") }
            reader.index += 1
            reader.skipWhitespace()
            if key == "memories", reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: "[") {
                elements = try Self.readElements(&reader)
            } else if key == "memories" {
                memoriesValue = try reader.value()
            } else {
                members[key] = try reader.value()
            }
            reader.skipWhitespace()
            guard reader.index < bytes.count else { throw reader.error("unexpected end of input in an object") }
            if bytes[reader.index] == UInt8(ascii: ",") {
                reader.index += 1
                continue
            }
            guard bytes[reader.index] == UInt8(ascii: "}") else { throw reader.error("expected ',' or '}'") }
            reader.index += 1
            return
        }
    }

    /// The elements of the array the reader stands on, each read on its own.
    private static func readElements(_ reader: inout JSONReader) throws(JSONParseError) -> [Element] {
        reader.index += 1
        var elements: [Element] = []
        reader.skipWhitespace()
        if reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: "]") {
            reader.index += 1
            return elements
        }
        while true {
            reader.skipWhitespace()
            let start = reader.index
            reader.strings = JSONStringFacts()
            do {
                let value = try reader.value()
                elements.append(.read(value, bytes: start..<reader.index, strings: reader.strings))
            } catch {
                reader.index = start
                reader.depth = 0
                let id = try reader.skipValue()
                elements.append(.unreadable(reason: error.description, id: id, bytes: start..<reader.index))
            }
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count else { throw reader.error("unexpected end of input in an array") }
            if reader.bytes[reader.index] == UInt8(ascii: ",") {
                reader.index += 1
                continue
            }
            guard reader.bytes[reader.index] == UInt8(ascii: "]") else { throw reader.error("expected ',' or ']'") }
            reader.index += 1
            return elements
        }
    }
}
