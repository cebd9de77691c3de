/// The arguments of one kind of job. The type names the kind; its value is stored as the job's
/// `args` (jsonb) and decoded again by the worker that runs it.
public protocol JobArgs: Codable, Sendable {
    /// The job kind these arguments belong to, e.g. `"fetch"`.
    static var kind: String { get }
}
