import Foundation

/// A benchmark's figures, printed as text or as one JSON object.
public protocol BenchReport: Encodable {
    /// The figures for a person.
    var text: String { get }
}

extension BenchReport {
    /// Prints the report: one JSON object with sorted keys, or the text.
    public func print(json: Bool) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Swift.print(String(decoding: try encoder.encode(self), as: UTF8.self))
        } else {
            Swift.print(text)
        }
    }
}
