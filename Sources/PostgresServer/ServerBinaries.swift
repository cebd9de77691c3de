import Foundation

/// The PostgreSQL server programs (initdb, pg_ctl) the embedded cluster runs, and how: as the
/// `postgres` OS user when we are root, because the server refuses to run as root.
struct ServerBinaries: Sendable {
    let directory: String

    /// `BUDDI_POSTGRES_BIN`, else the newest /usr/lib/postgresql/N/bin.
    static func locate() throws(DatabaseError) -> ServerBinaries {
        var searched: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["BUDDI_POSTGRES_BIN"], !explicit.isEmpty {
            searched.append(explicit)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        searched += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        if searched.isEmpty { searched = ["/usr/lib/postgresql/15/bin"] }
        for directory in searched where FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") {
            return ServerBinaries(directory: directory)
        }
        throw .serverBinariesMissing(searched: searched)
    }

    /// Whether server programs must run as the `postgres` user.
    static var mustSwitchUser: Bool { geteuid() == 0 }

    /// Runs a server program; returns its combined output, or throws naming the step.
    @discardableResult
    func run(_ program: String, _ arguments: [String], step: String) throws(DatabaseError) -> String {
        var argv = ["\(directory)/\(program)"] + arguments
        if Self.mustSwitchUser { argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv }
        // Output goes to a file, not a pipe: the server that pg_ctl starts outlives it and would
        // hold a pipe open.
        let outputPath = NSTemporaryDirectory() + "buddi-\(program)-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let status: Int32
        do {
            status = try ChildProcess.run(argv, outputPath: outputPath)
        } catch {
            throw .embeddedClusterFailed(step: step, detail: "cannot run \(program): \(error)")
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let lastLine = text.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
            throw .embeddedClusterFailed(step: step, detail: lastLine)
        }
        return text
    }

    /// Exit status of a server program, for status checks that fail by design.
    func status(_ program: String, _ arguments: [String]) -> Int32 {
        do {
            try run(program, arguments, step: "status")
            return 0
        } catch {
            return 1
        }
    }
}
