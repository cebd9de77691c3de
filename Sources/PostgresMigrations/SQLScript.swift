/// Splits a SQL file into statements at top-level semicolons, leaving semicolons inside quotes,
/// quoted identifiers, dollar-quoted bodies and comments alone. (The driver runs one statement
/// per query.)
enum SQLScript {
    static func statements(in sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var chars = Array(sql)[...]
        func flush() {
            let trimmed = current.trimmingWhitespace()
            if !trimmed.isEmpty, !isOnlyComments(trimmed) { statements.append(trimmed) }
            current = ""
        }
        while let c = chars.first {
            switch c {
            case "'", "\"":
                current += take(quotedBy: c, from: &chars)
            case "-" where chars.dropFirst().first == "-":
                while let next = chars.first, next != "\n" { current.append(next); chars.removeFirst() }
            case "/" where chars.dropFirst().first == "*":
                while !chars.isEmpty, !(chars.first == "*" && chars.dropFirst().first == "/") {
                    current.append(chars.removeFirst())
                }
                current += String(chars.prefix(2))
                chars = chars.dropFirst(2)
            case "$":
                current += takeDollarQuoted(from: &chars)
            case ";":
                chars.removeFirst()
                flush()
            default:
                current.append(c)
                chars.removeFirst()
            }
        }
        flush()
        return statements
    }

    private static func take(quotedBy quote: Character, from chars: inout ArraySlice<Character>) -> String {
        var text = String(chars.removeFirst())
        while let c = chars.first {
            text.append(chars.removeFirst())
            if c == quote {
                // A doubled quote is an escaped quote, not the end.
                if chars.first == quote { text.append(chars.removeFirst()) } else { break }
            }
        }
        return text
    }

    /// `$tag$ … $tag$`; a `$` that does not open a tag (e.g. `$1`) is taken as is.
    private static func takeDollarQuoted(from chars: inout ArraySlice<Character>) -> String {
        let rest = chars.dropFirst()
        let tagBody = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard rest.dropFirst(tagBody.count).first == "$", !(tagBody.first?.isNumber ?? false) else {
            return String(chars.removeFirst())
        }
        let tag = "$" + String(tagBody) + "$"
        var text = tag
        chars = chars.dropFirst(tag.count)
        while !chars.isEmpty {
            if chars.starts(with: tag) {
                text += tag
                chars = chars.dropFirst(tag.count)
                break
            }
            text.append(chars.removeFirst())
        }
        return text
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { $0.trimmingWhitespace().hasPrefix("--") || $0.trimmingWhitespace().isEmpty }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
