import BuddiRuntime
import ArgumentParser
import BuddiPipeline

/// `buddi verify`: checks stored conversations against the ledger.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute a conversation's Merkle root and check its anchor, block and the chain.",
        discussion: "Exits non-zero naming each conversation, anchor or block that does not match. With --all it also runs `buddi audit`.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The Buddi id of the conversation to verify.")
    var buddiID: String?

    @Flag(help: "Verify every processed conversation and the whole chain.")
    var all = false

    func validate() throws {
        if (buddiID == nil) == !all { throw ValidationError("give a Buddi id or --all") }
    }

    func run() async throws {
        let logger = BuddiLogging.root
        let (report, audit) = try await database.withDatabase(logger: logger) { client, _ in
            let verifier = ConversationVerifier(client: client, logger: logger)
            if let buddiID { return (try await verifier.verify(buddiID: buddiID), nil as PipelineAudit.Report?) }
            let total = try await verifier.processedCount()
            let bar = TerminalProgress("verified", unit: "conversations")
            let report = try await verifier.verifyAll(progress: { bar.update($0, of: total) })
            bar.finish()
            return (report, try await PipelineAudit(client: client, logger: logger).run())
        }
        for problem in report.problems { print(problem) }
        guard report.problems.isEmpty else {
            throw CLIError(description: "verification failed: \(report.problems.count) problem(s) in \(report.checked) conversation(s) checked")
        }
        print("verified \(report.checked) conversation(s): Merkle roots, anchors, blocks and chain intact")
        if let audit {
            print(AuditText(report: audit).text)
            guard audit.clean else {
                throw CLIError(description: "audit failed: \(audit.findings.map(\.count).reduce(0, +)) inconsistencies")
            }
        }
    }
}
