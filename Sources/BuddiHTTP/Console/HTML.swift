/// A piece of HTML. Text interpolated into it is escaped; only `HTML` is kept as it is — so a
/// value from a memory (a title such as `<img src=x onerror=alert(1)>`) can only ever be text.
struct HTML: Sendable, ExpressibleByStringInterpolation {
    /// The markup.
    let markup: String

    init(markup: String) { self.markup = markup }
    init(stringLiteral value: String) { markup = value }
    init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }

    /// Nothing.
    static let empty = HTML(markup: "")

    /// These pieces one after another.
    init(joining pieces: [HTML], separator: HTML = .empty) {
        markup = pieces.map(\.markup).joined(separator: separator.markup)
    }

    /// `text` escaped for an element's content or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity * 2) }
        mutating func appendLiteral(_ literal: String) { markup += literal }
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        mutating func appendInterpolation(_ pieces: [HTML]) { markup += pieces.map(\.markup).joined() }
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        mutating func appendInterpolation(_ text: String?) { markup += HTML.escape(text ?? "") }
        mutating func appendInterpolation<Value: CustomStringConvertible>(_ value: Value) { markup += HTML.escape(value.description) }
    }
}
