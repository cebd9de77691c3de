/// What the engine says on its NOTIFY channel, defined once for whoever sends and receives it.
enum QueueNotification: Equatable {
    /// Jobs became available in a queue (enqueued, retried, rescued, resumed).
    case inserted(queue: String)
    /// An operator asked to cancel a running job.
    case cancelRequested(id: Int64)

    /// The channel workers LISTEN on.
    static let channel = "jobqueue"

    private static let insertPrefix = "insert:"
    private static let cancelPrefix = "cancel:"

    /// The payload sent.
    var payload: String {
        switch self {
        case .inserted(let queue): Self.insertPrefix + queue
        case .cancelRequested(let id): Self.cancelPrefix + String(id)
        }
    }

    /// The notification a payload carries, or nil for one the engine does not send.
    init?(payload: String) {
        if payload.hasPrefix(Self.insertPrefix) {
            self = .inserted(queue: String(payload.dropFirst(Self.insertPrefix.count)))
        } else if payload.hasPrefix(Self.cancelPrefix), let id = Int64(payload.dropFirst(Self.cancelPrefix.count)) {
            self = .cancelRequested(id: id)
        } else {
            return nil
        }
    }
}
