import PostgresNIO

/// Whether the database's disk is full, as far as a process can tell, and why it thinks so.
public struct DiskCondition: Sendable, Codable, Equatable {
    /// The SQLSTATE of a server that cannot write for lack of space (`disk_full`).
    public static let diskFullState = "53100"

    /// Whether the disk is full.
    public var full: Bool
    /// What says so: the server's refusal, its log, or the space left.
    public var reason: String?
    /// Bytes free on the filesystem of the embedded cluster; nil for another server.
    public var freeBytes: Int64?

    enum CodingKeys: String, CodingKey {
        case full, reason
        case freeBytes = "free_bytes"
    }

    /// A condition; not full unless said.
    public init(full: Bool = false, reason: String? = nil, freeBytes: Int64? = nil) {
        self.full = full
        self.reason = reason
        self.freeBytes = freeBytes
    }

    /// The server's message when `error` is its refusal to write for lack of space; nil otherwise.
    public static func refusal(in error: any Error) -> String? {
        switch error {
        case let error as PostgresTransactionError:
            return [error.beginError, error.closureError, error.commitError].lazy.compactMap { $0.flatMap(refusal) }.first
        case let error as PSQLError where error.serverInfo?[.sqlState] == diskFullState:
            return error.serverInfo?[.message] ?? "disk full"
        default:
            return nil
        }
    }
}
