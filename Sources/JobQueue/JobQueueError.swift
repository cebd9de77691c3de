/// Errors of the queue engine, each with a message a person understands.
public enum JobQueueError: Error, CustomStringConvertible, Equatable {
    /// A job to enqueue was malformed.
    case invalidJob(String)
    /// No job has this id.
    case jobNotFound(Int64)
    /// The job is not in a state that allows the operation.
    case invalidState(id: Int64, state: String, operation: String)
    /// A worker was configured with an impossible value.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidJob(let why): "invalid job: \(why)"
        case .jobNotFound(let id): "no job with id \(id)"
        case .invalidState(let id, let state, let operation): "cannot \(operation) job \(id): it is \(state)"
        case .invalidConfiguration(let why): "invalid worker configuration: \(why)"
        }
    }
}
