/// A strict reader of the Prometheus text format (0.0.4): HELP and TYPE before a family's
/// samples, samples grouped by family, names and labels well formed, values numbers.
package enum PrometheusTextCheck {
    /// What is wrong with the text.
    package struct Problem: Error, CustomStringConvertible {
        package var description: String
    }

    /// The families and their types.
    package static func parse(_ text: String) throws -> [String: String] {
        var types: [String: String] = [:]
        var current: String?
        var finished = Set<String>()
        let sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (\S+)$/
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw Problem(description: "bad TYPE line: \(line)")
                }
                let name = String(parts[2])
                guard types[name] == nil else { throw Problem(description: "second TYPE for \(name)") }
                if let current { finished.insert(current) }
                types[name] = String(parts[3])
                current = name
                continue
            }
            guard let match = line.wholeMatch(of: sample) else { throw Problem(description: "bad sample line: \(line)") }
            let name = String(match.1)
            guard Double(match.5) != nil || ["+Inf", "-Inf", "NaN"].contains(String(match.5)) else {
                throw Problem(description: "bad value: \(line)")
            }
            let family = ["_bucket", "_sum", "_count", "_total", "_created"].reduce(name) { found, suffix in
                types[found] == nil && name.hasSuffix(suffix) && types[String(name.dropLast(suffix.count))] != nil
                    ? String(name.dropLast(suffix.count)) : found
            }
            guard family == current || types[family] == nil else {
                throw Problem(description: "sample of \(family) outside its family: \(line)")
            }
            guard !finished.contains(family) else { throw Problem(description: "\(family) split in two groups") }
        }
        return types
    }
}
