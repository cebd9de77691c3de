import Logging

/// The job a task runs, as metadata of its log records (`job_id`, `job_kind`). A metadata
/// provider reads it only when a record is written, so a job that logs nothing costs no logger
/// of its own: building one per job (setting metadata re-renders a handler's whole metadata) was
/// a few percent of a busy worker's CPU.
enum JobLogMetadata {
    @TaskLocal static var current: Logger.Metadata = [:]

    private static let provider = Logger.MetadataProvider { current }

    /// `logger`, with the running job's metadata added to each record. Nil when its handler
    /// cannot take a metadata provider: the caller then sets the metadata on a logger per job.
    static func logger(from logger: Logger) -> Logger? {
        var logger = logger
        let existing = logger.handler.metadataProvider
        logger.handler.metadataProvider = existing.map { .multiplex([$0, provider]) ?? provider } ?? provider
        return logger.handler.metadataProvider == nil ? nil : logger
    }

    /// A job's metadata.
    static func of(id: Int64, kind: String) -> Logger.Metadata {
        ["job_id": "\(id)", "job_kind": "\(kind)"]
    }
}
