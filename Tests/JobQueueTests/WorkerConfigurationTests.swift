@testable import JobQueue
import Testing

@Suite("Worker configuration")
struct WorkerConfigurationTests {
    @Test("a claim cooldown that is negative or not shorter than the poll interval is refused, naming it; a full claim is half the concurrency, at most a batch, at least one")
    func claimCooldown() throws {
        #expect(throws: JobQueueError.invalidConfiguration("claim cooldown must not be negative and must be shorter than the poll interval (1.0 seconds)")) {
            try WorkerConfiguration(claimCooldown: .milliseconds(-1)).validate()
        }
        #expect(throws: JobQueueError.self) { try WorkerConfiguration(pollInterval: .milliseconds(5), claimCooldown: .milliseconds(5)).validate() }
        try WorkerConfiguration(claimCooldown: .zero).validate()
        #expect(WorkerConfiguration(concurrency: 10, claimBatchSize: 100).fullClaim == 5)
        #expect(WorkerConfiguration(concurrency: 400, claimBatchSize: 100).fullClaim == 100)
        #expect(WorkerConfiguration(concurrency: 1).fullClaim == 1)
    }

    @Test("a completion delay that is negative or not under half of what is left of a lease after a heartbeat is refused, naming the bound")
    func completionDelay() throws {
        #expect(throws: JobQueueError.invalidConfiguration("completion delay must not be negative and must be under half of what is left of a lease after a heartbeat (10.0 seconds)")) {
            try WorkerConfiguration(completionDelay: .milliseconds(-1)).validate()
        }
        #expect(WorkerConfiguration(leaseDuration: .seconds(30), heartbeatInterval: .seconds(25)).maxCompletionDelay == .milliseconds(2500))
        #expect(throws: JobQueueError.self) {
            try WorkerConfiguration(completionDelay: .seconds(3), leaseDuration: .seconds(30), heartbeatInterval: .seconds(25)).validate()
        }
        try WorkerConfiguration(completionDelay: .zero).validate()
        try WorkerConfiguration(completionDelay: .milliseconds(9999)).validate()
    }
}
