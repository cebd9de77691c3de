/// A request an operator made that cannot be carried out as asked.
package enum ControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter with a value it cannot take.
    case invalidParameter(name: String, value: String, expected: String)
    /// Nothing with this id.
    case notFound(what: String, id: String)

    package var description: String {
        switch self {
        case .invalidParameter(let name, let value, let expected): "\(name) must be \(expected), got '\(value)'"
        case .notFound(let what, let id): "no \(what) \(id)"
        }
    }
}
