/// Splits a text into sentences, VADER's unit: after a run of ".", "!", "?" or "…" followed by
/// white space, and at line breaks. The end punctuation stays with its sentence, as VADER reads
/// "!" and "?" as emphasis. Works on UTF-8 bytes, by characters as Swift counts them: a mark
/// that combines with the character before belongs to it.
enum SentenceSplitter {
    /// The sentences of `text`, as strings.
    static func sentences(in text: String) -> [String] {
        var text = text
        return text.withUTF8 { utf8 in sentences(in: utf8).map { String(decoding: utf8[$0], as: UTF8.self) } }
    }

    /// The byte ranges of the sentences of the UTF-8 `text`.
    static func sentences(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var sentences: [Range<Int>] = []
        var start = 0
        var afterEnd = false
        var position = 0
        while position < text.count {
            let (scalar, length) = UTF8Scalar.decode(text, at: position)
            let end = position + length
            let character = characterEnd(text, scalar, end)
            if isNewline(scalar) || (afterEnd && isWhitespace(scalar)) {
                append(start..<position, of: text, to: &sentences)
                start = character
                afterEnd = false
            } else {
                // Only a character that is the scalar alone is "." or a closing quote.
                let isEnd = scalar == 0x2E || scalar == 0x21 || scalar == 0x3F || scalar == 0x2026
                let isClosing = scalar == 0x22 || scalar == 0x29 || scalar == 0x201D
                afterEnd = end == character && (isEnd || (afterEnd && isClosing))
            }
            position = character
        }
        append(start..<text.count, of: text, to: &sentences)
        return sentences
    }

    /// Where the character that begins with `scalar`, ending at `end` so far, ends: after the
    /// marks that combine with it. Nothing combines with a control, line breaks included.
    private static func characterEnd(_ text: UnsafeBufferPointer<UInt8>, _ scalar: UInt32, _ end: Int) -> Int {
        if scalar < 0x20 || (0x7F...0x9F).contains(scalar) || scalar == 0x2028 || scalar == 0x2029 { return end }
        var end = end
        while end < text.count, text[end] >= 0x80 {
            let (value, length) = UTF8Scalar.decode(text, at: end)
            guard let mark = Unicode.Scalar(value),
                mark.properties.isGraphemeExtend || value == 0x200D || mark.properties.generalCategory == .spacingMark
            else { break }
            end += length
        }
        return end
    }

    private static func append(_ sentence: Range<Int>, of text: UnsafeBufferPointer<UInt8>, to sentences: inout [Range<Int>]) {
        var position = sentence.lowerBound
        while position < sentence.upperBound {
            let (scalar, length) = UTF8Scalar.decode(text, at: position)
            if !isWhitespace(scalar) {
                sentences.append(sentence)
                return
            }
            position = characterEnd(text, scalar, position + length)
        }
    }

    /// `Character.isNewline` of a character that begins with this scalar.
    private static func isNewline(_ scalar: UInt32) -> Bool {
        (0x0A...0x0D).contains(scalar) || scalar == 0x85 || scalar == 0x2028 || scalar == 0x2029
    }

    /// `Character.isWhitespace` of a character that begins with this scalar.
    private static func isWhitespace(_ scalar: UInt32) -> Bool {
        scalar < 0x80 ? scalar == 0x20 || (0x09...0x0D).contains(scalar) : Unicode.Scalar(scalar)?.properties.isWhitespace ?? false
    }
}
