/// Writes the Prometheus text exposition format.
package struct PrometheusText {
    /// The text so far.
    package private(set) var output = ""

    /// Empty text.
    package init() {}

    /// Declares a metric family.
    package mutating func family(_ name: String, type: String, help: String) {
        output += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// Adds a sample of a declared family.
    package mutating func sample(_ name: String, _ labels: [String: String], _ value: Double) {
        output += name
        if !labels.isEmpty {
            let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escape($0.value))\"" }
            output += "{" + pairs.joined(separator: ",") + "}"
        }
        output += " \(Self.number(value))\n"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
