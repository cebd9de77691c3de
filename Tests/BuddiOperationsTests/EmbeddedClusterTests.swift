import BuddiTestSupport
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
