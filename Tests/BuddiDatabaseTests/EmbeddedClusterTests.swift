import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import Testing

@Suite("Embedded cluster", .serialized)
struct EmbeddedClusterTests {
    @Test(
        "as root in a private directory, the embedded default works: the cluster lives where the postgres user can reach it, linked from the path asked for, and the directory stays private",
        .enabled(if: geteuid() == 0, "only root runs the server as another user"))
    func rootInPrivateDirectory() async throws {
        let home = NSTemporaryDirectory() + "buddi-private-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let dataDir = home + "/.buddi/postgres"
        let environment = ["BUDDI_DATA_DIR": dataDir]
        let started = try await BuddiProcess.run(["db", "start"], databaseURL: nil, environment: environment)
        let relocated = try? FileManager.default.destinationOfSymbolicLink(atPath: dataDir)
        do {
            try await checkRelocated(started: started, home: home, relocated: relocated, environment: environment)
        } catch {
            await cleanUp(home: home, relocated: relocated, environment: environment)
            throw error
        }
        await cleanUp(home: home, relocated: relocated, environment: environment)
    }

    @Test("the embedded cluster's processes get none of buddi's secrets, and a socket directory under /tmp that is not the server's alone is refused")
    func childProcessesAndSharedPaths() async throws {
        let base = NSTemporaryDirectory() + "buddi-long-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: base) }
        // Too long a path for a unix socket: the socket goes to /tmp/buddi-pg-<hash>.
        let dataDir = base + "/" + String(repeating: "d", count: 80) + "/postgres"
        let environment = [
            "BUDDI_DATA_DIR": dataDir, "BUDDI_API_KEY": "sk-child-SECRET", "BUDDI_ADMIN_TOKEN": "admin-child-SECRET",
            "BUDDI_READ_TOKEN": "read-child-SECRET",
        ]
        let started = try await BuddiProcess.run(["db", "start"], databaseURL: nil, environment: environment)
        #expect(started.status == 0, "\(started.output)")
        let url = try await BuddiProcess.run(["db", "url"], databaseURL: nil, environment: environment).output
        let socketDirectory = try #require(url.range(of: "/tmp/buddi-pg-[a-z0-9]+", options: .regularExpression).map { String(url[$0]) }, "\(url)")
        let postmaster = try String(contentsOfFile: dataDir + "/postmaster.pid", encoding: .utf8)
        let pid = try #require(postmaster.split(separator: "\n").first.map(String.init))
        let serverEnvironment = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ")), as: UTF8.self)
        #expect(!serverEnvironment.contains("SECRET"), "\(serverEnvironment.replacingOccurrences(of: "\u{0}", with: " "))")
        #expect(!serverEnvironment.contains("BUDDI_"))
        _ = try await BuddiProcess.run(["db", "stop"], databaseURL: nil, environment: environment)

        // Someone else's directory (here: one anyone may write) at the predictable path is refused.
        try? FileManager.default.removeItem(atPath: socketDirectory)
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        chmod(socketDirectory, 0o777)
        defer { try? FileManager.default.removeItem(atPath: socketDirectory) }
        let refused = try await BuddiProcess.run(["db", "start"], databaseURL: nil, environment: environment)
        #expect(refused.status != 0)
        #expect(refused.output.contains("is not a directory of the server's user that only it can write"), "\(refused.output)")
        // So is a symbolic link planted there.
        try FileManager.default.removeItem(atPath: socketDirectory)
        try FileManager.default.createSymbolicLink(atPath: socketDirectory, withDestinationPath: base)
        let linked = try await BuddiProcess.run(["db", "start"], databaseURL: nil, environment: environment)
        #expect(linked.status != 0)
        #expect(linked.output.contains("is not a directory of the server's user"), "\(linked.output)")
    }

    private func cleanUp(home: String, relocated: String?, environment: [String: String]) async {
        _ = try? await BuddiProcess.run(["db", "stop"], databaseURL: nil, environment: environment)
        if let relocated { try? FileManager.default.removeItem(atPath: relocated) }
        try? FileManager.default.removeItem(atPath: home)
    }

    private func checkRelocated(
        started: (status: Int32?, output: String), home: String, relocated: String?, environment: [String: String]
    ) async throws {
        #expect(started.status == 0, "\(started.output)")
        #expect(relocated?.hasPrefix("/var/lib/buddi/embedded/postgres-") == true, "\(String(describing: relocated))")
        let mode = try FileManager.default.attributesOfItem(atPath: home)[.posixPermissions] as? Int
        #expect(mode == 0o700, "the user's own directory keeps its permissions")

        // The whole embedded default works through the path asked for: migrate, status, db url.
        let status = try await BuddiProcess.run(["status", "--json"], databaseURL: nil, environment: environment)
        #expect(status.status == 0, "\(status.output)")
        #expect(status.output.contains(#""is_running""#), "\(status.output)")
        let url = try await BuddiProcess.run(["db", "url"], databaseURL: nil, environment: environment)
        #expect(url.output.contains(relocated ?? "?"), "\(url.output)")
        let again = try await BuddiProcess.run(["db", "status"], databaseURL: nil, environment: environment)
        #expect(again.status == 0, "\(again.output)")
    }
}
