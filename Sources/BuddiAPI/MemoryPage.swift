import Foundation

/// One page of `get_memories`: memories newest first, and the cursor of the next page.
package struct MemoryPage: Sendable, Hashable {
    /// The memories that decoded, in the order the API sent them (newest first).
    package let memories: [Memory]
    /// Where each of ``memories`` stands in the page's `memories` array.
    package let positions: [Int]
    /// The elements of this page that are not usable memories, with why.
    package let skipped: [SkippedMemory]
    /// The cursor for the next (older) page; `nil` on the last page.
    package let nextCursor: String?
    /// The kind of each failed attempt the client retried before this page came (see
    /// ``TransientFailure/kind``): what an operator counts as API errors.
    package internal(set) var retriedFailures: [String] = []
}

/// An element of a page that is not a usable ``Memory``; the rest of its page still is.
package struct SkippedMemory: Sendable, Hashable, CustomStringConvertible {
    /// The most of an element's JSON an excerpt keeps.
    package static let excerptBytes = 512

    /// Its position in the page's `memories` array.
    package let position: Int
    /// What is wrong with it (and its id, when it has a readable one).
    package let error: MemoryDecodingError
    /// The start of its JSON as sent (at most ``excerptBytes`` bytes, NUL bytes shown as `\u0000`):
    /// enough for an operator to recognise it, and always storable.
    package let excerpt: String

    package var description: String { "memories[\(position)]: \(error)" }

    init(position: Int, error: MemoryDecodingError, bytes: ArraySlice<UInt8>) {
        self.position = position
        self.error = error
        self.excerpt = Self.excerpt(of: bytes)
    }

    /// The start of `bytes` as text an operator can read and any database can store: at most
    /// ``excerptBytes`` bytes, NUL bytes written as `\u0000`, "…" when cut.
    package static func excerpt(of bytes: some Collection<UInt8>) -> String {
        let cut = bytes.prefix(excerptBytes)
        let text = String(decoding: cut, as: UTF8.self).replacingOccurrences(of: "\u{0}", with: "\\u0000")
        return cut.count < bytes.count ? text + "…" : text
    }
}

extension MemoryPage {
    /// Decodes a `200` body: `{"memories": [...], "next_cursor": "..." | null}`. Memories are read
    /// one by one, so one bad memory cannot sink the page: an element that cannot be read (a bad
    /// escape, a lone surrogate, nesting past 512 levels), is not a memory, or fails the checks
    /// of ``MemoryLimits`` (NUL anywhere, sizes) is skipped with why. Throws a reason naming
    /// where the body is wrong when its structure or `next_cursor` cannot be read.
    package init(body: Data, limits: MemoryLimits = MemoryLimits()) throws(PageDecodingError) {
        let reader: PageReader
        do {
            reader = try PageReader(bytes: Array(body))
        } catch {
            throw PageDecodingError(reason: "the \(body.count)-byte body is not valid JSON (truncated or malformed): \(error)")
        }
        if let value = reader.nonObject {
            throw PageDecodingError(reason: "the body is \(value.kindDescription), not an object")
        }
        guard let elements = reader.elements else {
            guard let list = reader.memoriesValue else { throw PageDecodingError(reason: "`memories` is missing") }
            throw PageDecodingError(reason: "`memories` is \(list.kindDescription), not an array")
        }
        switch reader.members["next_cursor"] {
        case nil, .null: self.nextCursor = nil
        case .string(let cursor) where cursor.utf8.contains(0):
            throw PageDecodingError(reason: "`next_cursor` contains U+0000 (NUL)")
        case .string(let cursor): self.nextCursor = cursor.isEmpty ? nil : cursor
        case let other?: throw PageDecodingError(reason: "`next_cursor` is \(other.kindDescription), not a string")
        }
        let screen = MemoryScreen(limits: limits)
        var memories: [Memory] = []
        var positions: [Int] = []
        var skipped: [SkippedMemory] = []
        memories.reserveCapacity(elements.count)
        for (position, element) in elements.enumerated() {
            switch element {
            case .read(let raw, let range, let strings):
                do throws(MemoryDecodingError) {
                    var memory = try Memory(raw: raw)
                    memory.sentJSON = String(decoding: reader.bytes[range], as: UTF8.self)
                    if let problem = screen.problem(with: memory, bytes: range.count, strings: strings) {
                        let id = memory.id.utf8.count <= limits.maxIDBytes ? memory.id : nil
                        throw MemoryDecodingError(id: id, reason: problem)
                    }
                    memories.append(memory)
                    positions.append(position)
                } catch {
                    skipped.append(SkippedMemory(position: position, error: error, bytes: reader.bytes[range]))
                }
            case .unreadable(let reason, let id, let range):
                let known = id.flatMap { $0.utf8.count <= limits.maxIDBytes && !$0.utf8.contains(0) ? $0 : nil }
                let error = MemoryDecodingError(id: known, reason: "it cannot be read: \(reason)")
                skipped.append(SkippedMemory(position: position, error: error, bytes: reader.bytes[range]))
            }
        }
        self.memories = memories
        self.positions = positions
        self.skipped = skipped
    }
}

/// Why a `200` body is not a page.
package struct PageDecodingError: Error, CustomStringConvertible {
    package let reason: String
    package var description: String { reason }
}
