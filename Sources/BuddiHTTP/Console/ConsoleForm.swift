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

    /// A path on this server to go back to, from the field `name` (anything else: `fallback`).
    func localPath(_ name: String, fallback: String) -> String {
        guard let path = fields[name], path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return fallback }
        return path
    }
}
