/// How a memory reached buddi: the `source` and `fetch_job_id` its conversation is stored with.
enum ConversationOrigin: Sendable {
    /// Met by fetch job `jobID`.
    case fetch(jobID: Int64)
    /// Pushed to `POST /api/webhooks/memories`.
    case webhook

    /// What `conversations.source` holds.
    enum Source: String, Sendable {
        case fetch, webhook
    }

    var source: Source {
        switch self {
        case .fetch: .fetch
        case .webhook: .webhook
        }
    }

    var fetchJobID: Int64? {
        if case .fetch(let jobID) = self { return jobID }
        return nil
    }
}
