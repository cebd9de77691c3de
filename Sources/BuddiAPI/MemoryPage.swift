import Foundation

/// One page of `get_memories`: memories newest first, and the cursor of the next page.
public struct MemoryPage: Sendable, Hashable {
    /// The memories that decoded, in the order the API sent them (newest first).
    public let memories: [Memory]
    /// The objects of this page that are not usable memories, with why.
    public let skipped: [SkippedMemory]
    /// The cursor for the next (older) page; `nil` on the last page.
    public let nextCursor: String?
}

/// An object of a page that did not decode as a ``Memory``; the rest of its page still did.
public struct SkippedMemory: Sendable, Hashable, CustomStringConvertible {
    /// Its position in the page's `memories` array.
    public let position: Int
    /// What is wrong with it (and its id, when it has a readable one).
    public let error: MemoryDecodingError

    public var description: String { "memories[\(position)]: \(error)" }
}

extension MemoryPage {
    /// The page's envelope; memories stay raw so that one bad memory cannot sink the page.
    private struct Envelope: Decodable {
        let memories: [JSONValue]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case memories
            case nextCursor = "next_cursor"
        }
    }

    /// Decodes a `200` body. Throws `DecodingError` when the body is not JSON or not a page.
    init(body: Data) throws {
        let envelope = try JSONDecoder().decode(Envelope.self, from: body)
        var memories: [Memory] = []
        var skipped: [SkippedMemory] = []
        memories.reserveCapacity(envelope.memories.count)
        for (position, raw) in envelope.memories.enumerated() {
            do {
                memories.append(try Memory(raw: raw))
            } catch {
                skipped.append(SkippedMemory(position: position, error: error))
            }
        }
        self.memories = memories
        self.skipped = skipped
        self.nextCursor = envelope.nextCursor.flatMap { $0.isEmpty ? nil : $0 }
    }
}
