/// What can go wrong finding, starting, or reaching the database. Each message is one
/// line that names what was wrong; none contains a password.
package enum DatabaseError: Error, CustomStringConvertible, Equatable {
    /// DATABASE_URL does not parse.
    case invalidURL(String)
    /// The server could not be reached or refused us.
    case unreachable(target: String, reason: String)
    /// No PostgreSQL server binaries for the embedded cluster.
    case serverBinariesMissing(searched: [String])
    /// Creating, starting or stopping the embedded cluster failed.
    case embeddedClusterFailed(step: String, detail: String)
    /// A database setting from the environment is not valid; the text names it.
    case invalidSetting(String)

    package var description: String {
        switch self {
        case .invalidURL(let why):
            "DATABASE_URL is not a valid PostgreSQL URL: \(why)"
        case .unreachable(let target, let reason):
            "cannot reach PostgreSQL at \(target): \(reason)"
        case .serverBinariesMissing(let searched):
            "PostgreSQL server binaries (initdb, pg_ctl) not found in \(searched.joined(separator: ", ")); install postgresql-15 (apt-get install postgresql-15) or set BUDDI_POSTGRES_BIN"
        case .embeddedClusterFailed(let step, let detail):
            "embedded PostgreSQL: \(step) failed: \(detail)"
        case .invalidSetting(let problem):
            problem
        }
    }
}
