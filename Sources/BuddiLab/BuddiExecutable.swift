import Foundation

/// The `buddi` executable the lab runs as workers, schedulers and servers: the one built beside
/// `buddi-lab`.
package enum BuddiExecutable {
    /// Its path; throws, saying how to build it, when it is not there.
    package static func path() throws -> String {
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let path = own.deletingLastPathComponent().appendingPathComponent("buddi").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BuddiExecutableMissing(path: path)
        }
        return path
    }
}

/// The `buddi` executable is not beside `buddi-lab`.
struct BuddiExecutableMissing: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "\(path) is missing: the lab runs real buddi processes; build buddi beside buddi-lab (swift build, with the same -c)"
    }
}
