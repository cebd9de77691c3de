
/// How large a memory, one of its strings and its id may be before buddi rejects the memory
/// (on its own: the rest of its page is still taken). Set with `BUDDI_MAX_MEMORY_BYTES`,
/// `BUDDI_MAX_FIELD_BYTES` and `BUDDI_MAX_MEMORY_ID_BYTES`.
package struct MemoryLimits: Sendable, Hashable {
    /// The largest memory, as the bytes of its JSON in the page.
    package var maxMemoryBytes: Int
    /// The largest string anywhere in a memory (a transcript segment, the overview…), in UTF-8 bytes.
    package var maxFieldBytes: Int
    /// The longest id, in UTF-8 bytes (ids are indexed: PostgreSQL refuses index entries past ~2.7 kB).
    package var maxIDBytes: Int

    /// Limits; the defaults leave room for a whole day's transcript in one memory.
    package init(maxMemoryBytes: Int = 4 << 20, maxFieldBytes: Int = 1 << 20, maxIDBytes: Int = 256) {
        self.maxMemoryBytes = maxMemoryBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxIDBytes = maxIDBytes
    }
}

/// Checks a decoded memory for what PostgreSQL cannot store or buddi will not take: NUL in any
/// string or member name (`text` and `jsonb` both refuse U+0000), and the sizes of
/// ``MemoryLimits``. Lone surrogates, bad escapes and nesting past 512 levels never get this far:
/// the reader refuses them.
struct MemoryScreen {
    let limits: MemoryLimits

    /// Why `memory`, `bytes` long in its page, cannot be taken; nil when it can.
    func problem(with memory: Memory, bytes: Int) -> String? {
        if bytes > limits.maxMemoryBytes {
            return "the memory is \(bytes) bytes; at most \(limits.maxMemoryBytes) are taken (BUDDI_MAX_MEMORY_BYTES)"
        }
        let idBytes = memory.id.utf8.count
        if idBytes > limits.maxIDBytes {
            return "`id` is \(idBytes) bytes long; at most \(limits.maxIDBytes) are taken (BUDDI_MAX_MEMORY_ID_BYTES)"
        }
        // A decoded string is at most three times as long as its JSON (an invalid byte becomes
        // U+FFFD), and holds U+0000 only from the escape \u0000: a memory whose JSON is short
        // enough and has no such escape needs no walk.
        if bytes <= limits.maxFieldBytes / 3, let json = memory.sentJSON, !Self.mayEscapeNUL(json) { return nil }
        // Else it is walked, asking only whether anything is wrong; the rare memory that is
        // wrong is walked again, members by name, to name its first problem the same way every
        // time.
        guard !isClean(memory.raw) else { return nil }
        return problem(in: memory.raw, at: "")
    }

    private static let nulEscape = Array(#"\u0000"#.utf8)

    /// Whether the JSON text has `\u0000` in it (perhaps after an escaped backslash).
    private static func mayEscapeNUL(_ json: String) -> Bool {
        var json = json
        return json.withUTF8 { bytes in
            var position = 0
            while let found = bytes[position...].firstIndex(of: UInt8(ascii: "\\")) {
                if bytes[found...].starts(with: nulEscape) { return true }
                position = found + 1
            }
            return false
        }
    }

    private func isClean(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): text.utf8.count <= limits.maxFieldBytes && !text.utf8.contains(0)
        case .array(let elements): elements.allSatisfy(isClean)
        case .object(let members): members.allSatisfy { !$0.key.utf8.contains(0) && isClean($0.value) }
        case .number, .bool, .null: true
        }
    }

    private func problem(in value: JSONValue, at path: String) -> String? {
        switch value {
        case .string(let text):
            let count = text.utf8.count
            if count > limits.maxFieldBytes {
                return "`\(path)` is \(count) bytes; at most \(limits.maxFieldBytes) are taken in one string (BUDDI_MAX_FIELD_BYTES)"
            }
            if text.utf8.contains(0) { return "`\(path)` contains U+0000 (NUL), which PostgreSQL cannot store" }
            return nil
        case .array(let elements):
            for (position, element) in elements.enumerated() {
                if let problem = problem(in: element, at: "\(path)[\(position)]") { return problem }
            }
            return nil
        case .object(let members):
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if name.utf8.contains(0) {
                    return "a member name in `\(path.isEmpty ? "the memory" : path)` contains U+0000 (NUL), which PostgreSQL cannot store"
                }
                if let problem = problem(in: member, at: path.isEmpty ? name : "\(path).\(name)") { return problem }
            }
            return nil
        case .number, .bool, .null:
            return nil
        }
    }
}
