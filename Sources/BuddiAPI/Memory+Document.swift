import Foundation

/// Why a body holding one memory (a webhook delivery) cannot be taken.
package enum MemoryDocumentError: Error, Sendable, CustomStringConvertible {
    /// Longer than ``MemoryLimits/maxMemoryBytes``.
    case tooLarge(bytes: Int, limit: Int)
    /// Not one JSON value.
    case notJSON(String)
    /// JSON, but not a memory buddi can store (``MemoryDecodingError`` has its id when readable).
    case notAMemory(MemoryDecodingError)

    package var description: String {
        switch self {
        case .tooLarge(let bytes, let limit):
            "the memory is \(bytes) bytes or more; at most \(limit) are taken (BUDDI_MAX_MEMORY_BYTES)"
        case .notJSON(let reason): "the body is not JSON: \(reason)"
        case .notAMemory(let error): error.description
        }
    }

    /// The memory's Buddi id, when it has a usable one.
    package var buddiID: String? {
        if case .notAMemory(let error) = self { return error.id }
        return nil
    }
}

extension Memory {
    /// Reads a body that holds one memory, in either shape `get_memories` serves, with the
    /// checks a memory of a page gets (``MemoryLimits``); ``sentJSON`` is the body as sent.
    package init(document bytes: [UInt8], limits: MemoryLimits = MemoryLimits()) throws(MemoryDocumentError) {
        guard bytes.count <= limits.maxMemoryBytes else { throw .tooLarge(bytes: bytes.count, limit: limits.maxMemoryBytes) }
        let raw: JSONValue
        var strings = JSONStringFacts()
        do {
            raw = try JSONReader.parse(bytes, strings: &strings)
        } catch {
            throw .notJSON(error.description)
        }
        do throws(MemoryDecodingError) {
            var memory = try Memory(raw: raw)
            memory.sentJSON = String(decoding: Self.trimmingWhitespace(bytes), as: UTF8.self)
            if let problem = MemoryScreen(limits: limits).problem(with: memory, bytes: bytes.count, strings: strings) {
                throw MemoryDecodingError(id: memory.id.utf8.count <= limits.maxIDBytes ? memory.id : nil, reason: problem)
            }
            self = memory
        } catch {
            throw .notAMemory(error)
        }
    }

    /// `bytes` without the JSON white space around its value (on bytes: Foundation's trimming
    /// goes through UTF-16 and cost a delivery more than its JSON parse).
    private static func trimmingWhitespace(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isWhitespace(bytes[start]) { start += 1 }
        while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}
