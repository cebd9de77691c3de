import Logging
import ServiceLifecycle

/// Runs a service only while this process leads: started when elected, cancelled when the
/// lease is lost, started again when elected again. For maintenance duties that one process
/// in the cluster is enough to run (lease rescue, pruning, sealing).
public struct LeaderOnly: Service {
    let elector: LeaderElector
    let service: any Service
    let checkInterval: Duration
    let logger: Logger

    /// Runs `service` while `elector` leads, checking every `checkInterval`.
    public init(_ service: any Service, elector: LeaderElector, checkInterval: Duration = .milliseconds(250), logger: Logger) {
        self.elector = elector
        self.service = service
        self.checkInterval = checkInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard elector.isLeader else {
                    try? await Task.sleep(for: checkInterval)
                    continue
                }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await service.run()
                        } catch is CancellationError {
                        } catch {
                            logger.error("\(type(of: service)) failed", metadata: ["error": "\(String(reflecting: error))"])
                        }
                    }
                    while !Task.isCancelled, elector.isLeader {
                        try? await Task.sleep(for: checkInterval)
                    }
                    group.cancelAll()
                }
            }
        }
    }
}
