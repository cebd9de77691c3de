import BuddiRuntime
import ArgumentParser
import BuddiPipeline

/// `buddi audit`: the pipeline's invariants, checked against what is stored.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Look for lost or stranded work: jobs or checkpoints naming missing conversations, fetch counts that disagree with rows, conversations nothing will process, anchors or tokens made twice.",
        discussion: "Read-only and safe on a live system. Exits non-zero when it finds anything (`buddi verify --all` runs it too).")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func run() async throws {
        let logger = BuddiLogging.root
        let report = try await database.withDatabase(logger: logger) { client, _ in
            try await PipelineAudit(client: client, logger: logger).run()
        }
        print(json ? try ControlJSON.encode(report, pretty: true) : AuditText(report: report).text)
        guard report.clean else {
            throw CLIError(description: "audit failed: \(report.findings.map(\.count).reduce(0, +)) inconsistencies")
        }
    }
}

/// An audit report for people.
struct AuditText {
    let report: PipelineAudit.Report

    var text: String {
        guard !report.clean else { return "audit: \(report.checks) checks, nothing found" }
        return report.findings.map { finding in
            "\(finding.count) \(finding.description) (\(finding.check)), e.g. \(finding.examples.joined(separator: "; "))"
        }.joined(separator: "\n")
    }
}
