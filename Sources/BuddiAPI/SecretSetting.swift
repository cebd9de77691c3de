import Foundation

/// A secret read from the environment as `NAME` or from the file `NAME_FILE` names (as systemd's
/// `LoadCredential=` provides them), never both.
package enum SecretSetting {
    /// The secret, trimmed; nil when neither is set. Throws a one-line reason naming the variable
    /// when both are set, or the file cannot be read or is empty; never the secret itself.
    package static func read(_ name: String, in environment: [String: String]) throws(SecretSettingError) -> String? {
        let value = environment[name].flatMap { $0.isEmpty ? nil : $0 }
        guard let path = environment[name + "_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) else { return value }
        guard value == nil else { throw SecretSettingError("give \(name) or \(name)_FILE, not both") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretSettingError("\(name)_FILE names \(path), which cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw SecretSettingError("\(name)_FILE names \(path), which is empty") }
        return text
    }
}

/// Why a secret cannot be read from the environment.
package struct SecretSettingError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
