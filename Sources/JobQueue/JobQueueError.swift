/// Errors of the queue engine, each with a message a person understands.
public enum JobQueueError: Error, CustomStringConvertible, Equatable {
    /// A job to enqueue was malformed.
    case invalidJob(String)
    /// No job has this id.
    case jobNotFound(Int64)
    /// The job is not in a state that allows the operation.
    case invalidState(id: Int64, state: String, operation: String)
    /// This attempt no longer holds the job (its lease expired and it was rescued).
    case leaseLost(id: Int64)
    /// A worker was configured with an impossible value.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidJob(let why): "invalid job: \(why)"
        case .jobNotFound(let id): "no job with id \(id)"
        case .invalidState(let id, let state, let operation): "cannot \(operation) job \(id): it is \(state)"
        case .leaseLost(let id): "job \(id) was rescued by another worker after its lease expired; this attempt's work is rolled back"
        case .invalidConfiguration(let why): "invalid worker configuration: \(why)"
        }
    }
}
