/// Byte-level helpers for scanning valid UTF-8 (as Swift strings hold it) without decoding it all.
enum UTF8Scalar {
    /// The scalar value starting at `position` and its length in bytes.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (value: UInt32, length: Int) {
        let lead = UInt32(bytes[position])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | continuation(bytes, position + 1), 2) }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | continuation(bytes, position + 1) << 6 | continuation(bytes, position + 2), 3)
        }
        return (
            (lead & 0x07) << 18 | continuation(bytes, position + 1) << 12 | continuation(bytes, position + 2) << 6
                | continuation(bytes, position + 3), 4
        )
    }

    @inline(__always)
    private static func continuation(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> UInt32 {
        UInt32(bytes[position] & 0x3F)
    }

    /// Python's `str.isspace()` for ASCII: tab, newlines, vertical tab, form feed, the four
    /// information separators and space.
    @inline(__always)
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x1F)
    }

    /// Python's `str.isspace()` beyond ASCII.
    static func isUnicodeWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// Python's `string.punctuation`: the ASCII punctuation and symbols.
    @inline(__always)
    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (byte >= 0x21 && byte <= 0x2F) || (byte >= 0x3A && byte <= 0x40) || (byte >= 0x5B && byte <= 0x60)
            || (byte >= 0x7B && byte <= 0x7E)
    }
}
