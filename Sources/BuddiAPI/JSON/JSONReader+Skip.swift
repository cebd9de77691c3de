/// Stepping over a value without reading it: how a page gets past a memory it cannot use.
extension JSONReader {
    /// Moves past one value by its structure alone: brackets, braces and where strings end. Nothing
    /// inside strings is checked and nesting is not limited, so a value `value()` refuses (a bad
    /// escape, a lone surrogate, nesting past the limit) is still stepped over. Returns the
    /// value's top-level `id` member when it is a readable string, so that a rejection can name it.
    /// Throws only when the structure itself is broken (a body cut short, say).
    package mutating func skipValue() throws(JSONParseError) -> String? {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        let first = bytes[index]
        if first == UInt8(ascii: "\"") {
            try skipString()
            return nil
        }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            while index < bytes.count, !Self.endsScalar(bytes[index]) { index += 1 }
            return nil
        }
        var open = 0
        var id: String?
        repeat {
            guard index < bytes.count else { throw error("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                open -= 1
                index += 1
            case UInt8(ascii: "\""):
                let key = index
                try skipString()
                if open == 1, first == UInt8(ascii: "{"), id == nil, let value = try memberID(keyAt: key) { id = value }
            default:
                index += 1
            }
        } while open > 0
        return id
    }

    /// After a string at the top level of an object: if it is the key `id` and its value a
    /// readable string, that value (the reader then stands past it).
    private mutating func memberID(keyAt key: Int) throws(JSONParseError) -> String? {
        guard index - key == 4, bytes[key + 1] == UInt8(ascii: "i"), bytes[key + 2] == UInt8(ascii: "d") else { return nil }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index
        if let id = try? string() { return id }
        index = start
        try skipString()
        return nil
    }

    /// Moves past a string (the reader stands on its opening quote), escapes unread.
    private mutating func skipString() throws(JSONParseError) {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 2
            default:
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
            || byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
