import Foundation
import Hummingbird

/// A submitted form (`application/x-www-form-urlencoded`), the last value of a name winning.
struct ConsoleForm: Sendable {
    /// The most a console form may send.
    static let maxBytes = 64 * 1024

    let fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// A field, or nil when it is missing or blank.
    func value(_ name: String) -> String? {
        fields[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Reads the request's body.
    static func read(_ request: Request) async throws -> ConsoleForm {
        var request = request
        let body = try await request.collectBody(upTo: maxBytes)
        return ConsoleForm(encoded: String(buffer: body))
    }

    init(encoded text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let name = parts.first.map(decode), !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }

    /// A path on this server to go back to, from the field `name` (anything else: `fallback`):
    /// it starts with one `/`, and holds no backslash, space or control character (browsers drop
    /// tabs and newlines from a URL, so `/<TAB>/evil.example` would lead off the site).
    func localPath(_ name: String, fallback: String) -> String {
        guard let path = fields[name], path.hasPrefix("/"), !path.dropFirst().hasPrefix("/"),
            !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return fallback }
        return path
    }
}
