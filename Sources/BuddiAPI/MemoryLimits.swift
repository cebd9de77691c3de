
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

    /// Why `memory`, `bytes` long in its page, with `strings` as its reader found them, cannot
    /// be taken; nil when it can.
    func problem(with memory: Memory, bytes: Int, strings: JSONStringFacts) -> String? {
        if bytes > limits.maxMemoryBytes {
            return "the memory is \(bytes) bytes; at most \(limits.maxMemoryBytes) are taken (BUDDI_MAX_MEMORY_BYTES)"
        }
        let idBytes = memory.id.utf8.count
        if idBytes > limits.maxIDBytes {
            return "`id` is \(idBytes) bytes long; at most \(limits.maxIDBytes) are taken (BUDDI_MAX_MEMORY_ID_BYTES)"
        }
        // The reader measured every string: only a memory it found wrong is walked, members by
        // name, to name its first problem the same way every time.
        guard strings.containsNUL || strings.longest > limits.maxFieldBytes else { return nil }
        return problem(in: memory.raw, at: "")
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
