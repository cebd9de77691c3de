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
        let process = Process()
        var argv = ["\(directory)/\(program)"] + arguments
        if Self.mustSwitchUser { argv = ["-u", "postgres", "--"] + argv }
        process.executableURL = URL(fileURLWithPath: Self.mustSwitchUser ? "/usr/sbin/runuser" : argv.removeFirst())
        process.arguments = argv
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw .embeddedClusterFailed(step: step, detail: "cannot run \(program): \(error.localizedDescription)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let lastLine = output.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw .embeddedClusterFailed(step: step, detail: lastLine)
        }
        return output
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
