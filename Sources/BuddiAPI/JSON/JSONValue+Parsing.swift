import Foundation

/// A body that is not JSON.
package struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The parser's explanation, with the position where it has one.
    package let description: String

    /// An error saying `description`.
    package init(description: String) {
        self.description = description
    }
}

extension JSONValue {
    /// Parses JSON text (any value at the top level), straight into `JSONValue` (see
    /// `JSONReader`: several times faster than `JSONSerialization` and converting its result).
    package init(parsing data: Data) throws(JSONParseError) {
        self = try JSONReader.parse(data)
    }
}
