/// An immutable hash table from words (UTF-8 bytes) to values, looked up straight from a byte
/// buffer, optionally lowercasing ASCII letters on the fly, so that no `String` is made per token.
///
/// Open addressing with linear probing over a power-of-two slot array, FNV-1a hashes, all keys
/// in one byte arena.
struct WordTable<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var start: Int
        var count: Int
        var hash: UInt64
        var value: Value
    }

    private let arena: [UInt8]
    private let entries: [Entry]
    private let slots: [Int32]
    private let mask: Int

    /// A table of these keys (lowercase, as they will be looked up) and values.
    init(_ dictionary: [String: Value]) {
        var arena: [UInt8] = []
        var entries: [Entry] = []
        for key in dictionary.keys.sorted() {
            let bytes = Array(key.utf8)
            entries.append(Entry(start: arena.count, count: bytes.count, hash: fnv1a(bytes), value: dictionary[key]!))
            arena.append(contentsOf: bytes)
        }
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.arena = arena
        self.entries = entries
        self.slots = slots
        self.mask = capacity - 1
    }

    /// The value of the word in `bytes`; with `lowercasing`, ASCII capitals match lowercase keys.
    func value<Bytes: Collection<UInt8>>(of bytes: Bytes, lowercasing: Bool) -> Value? {
        value(of: bytes, hash: fnv1a(bytes, lowercasing: lowercasing), lowercasing: lowercasing)
    }

    /// The value of the lowercase word in `bytes`, whose ``fnv1a(_:lowercasing:)`` is `hash`.
    func value<Bytes: Collection<UInt8>>(of bytes: Bytes, hash: UInt64, lowercasing: Bool = false) -> Value? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = slots[slot]
            if index < 0 { return nil }
            let entry = entries[Int(index)]
            if entry.hash == hash && entry.count == bytes.count && matches(entry, bytes, lowercasing: lowercasing) {
                return entry.value
            }
            slot = (slot + 1) & mask
        }
    }

    private func matches<Bytes: Collection<UInt8>>(_ entry: Entry, _ bytes: Bytes, lowercasing: Bool) -> Bool {
        var position = entry.start
        for byte in bytes {
            if arena[position] != (lowercasing ? asciiLowercase(byte) : byte) { return false }
            position += 1
        }
        return true
    }

    /// Whether `bytes`, whose ``fnv1a(_:lowercasing:)`` is `hash`, are a key.
    func contains<Bytes: Collection<UInt8>>(_ bytes: Bytes, hash: UInt64) -> Bool {
        value(of: bytes, hash: hash) != nil
    }
}

/// The 64-bit FNV-1a hash of `bytes`; with `lowercasing`, of their ASCII lowercase.
func fnv1a<Bytes: Collection<UInt8>>(_ bytes: Bytes, lowercasing: Bool = false) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash = (hash ^ UInt64(lowercasing ? asciiLowercase(byte) : byte)) &* 0x0000_0100_0000_01b3
    }
    return hash
}

/// `byte` with an ASCII capital turned into its small letter.
@inline(__always)
func asciiLowercase(_ byte: UInt8) -> UInt8 {
    byte &- 65 < 26 ? byte | 0x20 : byte
}
