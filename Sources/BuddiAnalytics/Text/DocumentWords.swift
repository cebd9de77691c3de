/// The words of a document's fields (title, summary, action items, transcript lines…), scanned
/// once from their UTF-8 bytes by ``WordScanner``. Every occurrence keeps its place and the id of
/// its distinct word, so keywords, topics and counts work on small integers, without a `String`
/// or a hash of one per word.
///
/// Distinct words are equal as Swift strings are: ASCII words by their bytes, others by
/// canonical equivalence ("é" written as one scalar or two is one word). A word beyond ASCII,
/// lowercased, never equals an ASCII one.
struct DocumentWords {
    /// One word where it occurs.
    struct Occurrence {
        /// Where its normalized bytes are in ``text``.
        var start: Int32
        var count: Int32
        /// The id of its distinct word, from 0 in order of first occurrence.
        var word: Int32
        /// Whether punctuation (other than inside a word) stands between it and the word before.
        var followsPunctuation: Bool
    }

    /// The normalized bytes of every occurrence, back to back.
    private(set) var text: [UInt8] = []
    /// Every occurrence, field after field.
    private(set) var occurrences: [Occurrence] = []
    /// Where each field's occurrences start in ``occurrences``, then where the last one ends.
    private(set) var fieldBounds: [Int] = [0]
    /// The first occurrence of each distinct word.
    private(set) var firstOccurrences: [Int32] = []
    /// The ``fnv1a(_:lowercasing:)`` of each distinct word that is ASCII, for the word tables
    /// (whose keys are all ASCII); nil for the others, which no table holds.
    private(set) var asciiHashes: [UInt64?] = []

    private var asciiWords = ASCIIWordSet()
    private var otherWords: [String: Int32] = [:]

    /// The words of these fields, scanned in order.
    init(fields: [String]) {
        text.reserveCapacity(fields.reduce(0) { $0 + $1.utf8.count })
        for field in fields { append(field) }
    }

    /// Scans one more field.
    private mutating func append(_ field: String) {
        var field = field
        field.withUTF8 { bytes in
            WordScanner.scan(bytes) { word, followsPunctuation in
                let start = text.count
                let isASCII = WordScanner.normalize(word, into: &text)
                appendWord(from: start, isASCII: isASCII, followsPunctuation: followsPunctuation)
            }
        }
        fieldBounds.append(occurrences.count)
    }

    /// How many fields there are.
    var fieldCount: Int { fieldBounds.count - 1 }

    /// How many distinct words there are.
    var distinctCount: Int { firstOccurrences.count }

    /// The occurrences of field `index`.
    func occurrences(ofField index: Int) -> ArraySlice<Occurrence> {
        occurrences[fieldBounds[index]..<fieldBounds[index + 1]]
    }

    /// The normalized bytes of an occurrence.
    func bytes(of occurrence: Occurrence) -> ArraySlice<UInt8> {
        text[Int(occurrence.start)..<Int(occurrence.start + occurrence.count)]
    }

    /// The bytes of a distinct word, as it first occurred.
    func bytes(ofWord word: Int32) -> ArraySlice<UInt8> {
        bytes(of: occurrences[Int(firstOccurrences[Int(word)])])
    }

    /// Records the word whose normalized bytes ``text`` holds from `start`.
    private mutating func appendWord(from start: Int, isASCII: Bool, followsPunctuation: Bool) {
        let range = start..<text.count
        let next = Int32(firstOccurrences.count)
        let word: Int32
        var hash: UInt64?
        if isASCII {
            hash = text.withUnsafeBufferPointer { fnv1a(UnsafeBufferPointer(rebasing: $0[range])) }
            word = text.withUnsafeBufferPointer { asciiWords.id(of: UnsafeBufferPointer(rebasing: $0[range]), hash: hash!, else: next) }
        } else {
            let key = String(decoding: text[range], as: UTF8.self)
            word = otherWords[key] ?? next
            if word == next { otherWords[key] = next }
        }
        if word == next {
            firstOccurrences.append(Int32(occurrences.count))
            asciiHashes.append(hash)
        }
        occurrences.append(Occurrence(start: Int32(start), count: Int32(range.count), word: word, followsPunctuation: followsPunctuation))
    }
}

/// Interns ASCII words by their bytes: open addressing over a power-of-two slot array.
private struct ASCIIWordSet {
    private struct Entry {
        var start: Int
        var count: Int
        var hash: UInt64
        var id: Int32
    }

    private var slots = [Int32](repeating: -1, count: 64)
    private var keys: [UInt8] = []
    private var entries: [Entry] = []

    /// The id of a word equal to `word` (whose hash is `hash`) met before; else `id`, which it now has.
    mutating func id(of word: UnsafeBufferPointer<UInt8>, hash: UInt64, else id: Int32) -> Int32 {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = entries[Int(slots[slot])]
            if entry.hash == hash && entry.count == word.count && keys[entry.start..<entry.start + entry.count].elementsEqual(word) {
                return entry.id
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(entries.count)
        entries.append(Entry(start: keys.count, count: word.count, hash: hash, id: id))
        keys.append(contentsOf: word)
        if entries.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
