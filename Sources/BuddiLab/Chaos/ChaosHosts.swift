import PostgresServer
import Foundation

/// Separate hosts on this machine for the chaos suite: network namespaces, each joined to this
/// one by a veth pair (`10.77.N.2` inside, `10.77.N.1` here), made by the suite and removed
/// afterwards. Traffic stays on this machine: the namespaces reach only this one's addresses.
struct ChaosHosts: Sendable {
    /// How many hosts.
    let count: Int
    private let tag = String(getpid() % 100_000)

    /// Host `index`'s namespace (1-based).
    func namespace(_ index: Int) -> String { "buddi-chaos-\(tag)-\(index)" }
    /// The address of this machine as host `index` sees it.
    func serverAddress(_ index: Int) -> String { "10.77.\(index).1" }
    /// The veth end on this machine's side (cutting it off takes the host off the network).
    private func outsideLink(_ index: Int) -> String { "bc\(tag)h\(index)" }
    private func insideLink(_ index: Int) -> String { "bc\(tag)n\(index)" }

    /// Makes the hosts; throws, naming the step, where namespaces cannot be made.
    func create() async throws {
        for index in 1...count {
            let (ns, outside, inside) = (namespace(index), outsideLink(index), insideLink(index))
            try await Self.run(["ip", "netns", "add", ns])
            try await Self.run(["ip", "link", "add", outside, "type", "veth", "peer", "name", inside])
            try await Self.run(["ip", "link", "set", inside, "netns", ns])
            try await Self.run(["ip", "addr", "add", "\(serverAddress(index))/24", "dev", outside])
            try await Self.run(["ip", "link", "set", outside, "up"])
            try await Self.run(["ip", "netns", "exec", ns, "ip", "addr", "add", "10.77.\(index).2/24", "dev", inside])
            try await Self.run(["ip", "netns", "exec", ns, "ip", "link", "set", inside, "up"])
            try await Self.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"])
            try await Self.run(["ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", serverAddress(index)])
        }
    }

    /// Takes host `index` off the network (its link goes down: packets are dropped, no
    /// connection is reset), or puts it back.
    func setConnected(_ index: Int, _ connected: Bool) async throws {
        try await Self.run(["ip", "link", "set", outsideLink(index), connected ? "up" : "down"])
    }

    /// Removes every host (and with each namespace its veth pair).
    func destroy() async {
        for index in 1...count {
            try? await Self.run(["ip", "netns", "del", namespace(index)])
            try? await Self.run(["ip", "link", "del", outsideLink(index)])
        }
    }

    /// iproute2's `ip`.
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: FileManager.default.isExecutableFile) ?? "/usr/sbin/ip"

    /// Runs a command of iproute2; throws with its output if it fails.
    private static func run(_ argv: [String]) async throws {
        let process = try RunningProcess([ip] + argv.dropFirst(), environment: ProcessInfo.processInfo.environment, label: "buddi-chaos-ip")
        let status = try await process.wait(timeout: .seconds(10))
        defer { try? FileManager.default.removeItem(atPath: process.outputPath) }
        guard status == 0 else {
            throw ChaosFailure(description: "`\(argv.joined(separator: " "))` failed: \(process.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

/// A step of the suite's own that failed, said in one line.
package struct ChaosFailure: Error, CustomStringConvertible {
    package let description: String
}
