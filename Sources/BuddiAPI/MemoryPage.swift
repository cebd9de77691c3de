import Foundation

/// One page of `get_memories`: memories newest first, and the cursor of the next page.
public struct MemoryPage: Sendable, Hashable {
    /// The memories that decoded, in the order the API sent them (newest first).
    public let memories: [Memory]
    /// The objects of this page that are not usable memories, with why.
    public let skipped: [SkippedMemory]
    /// The cursor for the next (older) page; `nil` on the last page.
    public let nextCursor: String?
    /// The kind of each failed attempt the client retried before this page came (see
    /// ``TransientFailure/kind``): what an operator counts as API errors.
    public internal(set) var retriedFailures: [String] = []
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
    /// Decodes a `200` body: `{"memories": [...], "next_cursor": "..." | null}`. Memories are read
    /// one by one, so one bad memory cannot sink the page. Throws a reason naming where the body
    /// is wrong.
    init(body: Data) throws(PageDecodingError) {
        let envelope: JSONValue
        do {
            envelope = try JSONValue(parsing: body)
        } catch {
            throw PageDecodingError(reason: "the \(body.count)-byte body is not valid JSON (truncated or malformed): \(error)")
        }
        guard case .object = envelope else {
            throw PageDecodingError(reason: "the body is \(envelope.kindDescription), not an object")
        }
        guard let list = envelope["memories"] else { throw PageDecodingError(reason: "`memories` is missing") }
        guard let raws = list.arrayValue else {
            throw PageDecodingError(reason: "`memories` is \(list.kindDescription), not an array")
        }
        switch envelope["next_cursor"] {
        case nil, .null: self.nextCursor = nil
        case .string(let cursor): self.nextCursor = cursor.isEmpty ? nil : cursor
        case let other?: throw PageDecodingError(reason: "`next_cursor` is \(other.kindDescription), not a string")
        }
        var memories: [Memory] = []
        var skipped: [SkippedMemory] = []
        memories.reserveCapacity(raws.count)
        for (position, raw) in raws.enumerated() {
            do {
                memories.append(try Memory(raw: raw))
            } catch {
                skipped.append(SkippedMemory(position: position, error: error))
            }
        }
        self.memories = memories
        self.skipped = skipped
    }
}

/// Why a `200` body is not a page.
struct PageDecodingError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
