/// Reads one numeric setting of the API client from the environment, with an error that names
/// the variable and what it holds.
struct EnvironmentSetting {
    let environment: [String: String]

    /// A positive number of seconds; nil when the variable is unset or empty.
    func seconds(_ name: String) throws(BuddiAPIError) -> Duration? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let seconds = Double(text), seconds >= 0.001, seconds <= 86_400 else {
            throw .invalidConfiguration("\(name) must be a number of seconds from 0.001 to 86400, got '\(text)'")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// A positive whole number; nil when the variable is unset or empty.
    func count(_ name: String) throws(BuddiAPIError) -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let count = Int(text), count > 0 else {
            throw .invalidConfiguration("\(name) must be a positive whole number, got '\(text)'")
        }
        return count
    }
}
