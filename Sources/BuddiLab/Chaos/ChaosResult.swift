import BuddiPipeline
import Foundation
import PostgresNIO

/// What one chaos scenario measured, and whether it passed: nothing lost, nothing duplicated,
/// nothing stuck or pending, and (after a restart) storing again within the bound.
package struct ChaosResult: Codable, Sendable {
    package var scenario: String
    /// Memories that had to be stored, and were.
    package var expected: Int
    package var stored: Int
    package var processed: Int
    package var lost: Int
    /// Anchors and tokens made twice.
    package var duplicated: Int
    /// Jobs unfinished at the end, or discarded.
    package var stuck: Int
    /// Conversations not processed at the end.
    package var pending: Int
    /// Inconsistencies the audit found.
    var auditFindings: Int
    /// The longest time from the database accepting connections again to work moving again.
    package var recoverySeconds: Double?
    package var seconds: Double
    /// What was injected, in words.
    var faults: String
    /// Why it failed, if it did.
    var problems: [String]
    /// Why it could not run here, if it could not (a skipped scenario does not fail the run).
    package var skipped: String?

    /// Nothing lost, duplicated, stuck or pending.
    package var passed: Bool { problems.isEmpty }

    /// A scenario that cannot run on this machine.
    static func skipped(_ scenario: String, because reason: String) -> ChaosResult {
        ChaosResult(
            scenario: scenario, expected: 0, stored: 0, processed: 0, lost: 0, duplicated: 0, stuck: 0, pending: 0,
            auditFindings: 0, recoverySeconds: nil, seconds: 0, faults: "-", problems: [], skipped: reason)
    }


    /// One line with its figures.
    package var line: String {
        if let skipped { return "SKIP \(scenario): \(skipped)" }
        let recovery = recoverySeconds.map { String(format: ", recovery %.1f s", $0) } ?? ""
        return "\(passed ? "PASS" : "FAIL") \(scenario): stored \(stored)/\(expected), processed \(processed), lost \(lost), "
            + "duplicated \(duplicated), stuck \(stuck), pending \(pending), audit \(auditFindings)\(recovery), "
            + String(format: "%.1f s", seconds) + " — \(faults)"
            + (problems.isEmpty ? "" : "\n    " + problems.joined(separator: "\n    "))
    }

    /// Measures a settled lab against the memories it had to store.
    static func measure(
        _ lab: ChaosLab, scenario: String, expected: Set<String>, settled: Bool, recovery: Double?, started: ContinuousClock.Instant,
        faults: String, problems: [String] = [], sealingChecked: Bool = false
    ) async throws -> ChaosResult {
        var stored = Set<String>()
        for try await id in try await lab.client.query("SELECT buddi_id FROM conversations", logger: lab.logger).decode(String.self) {
            stored.insert(id)
        }
        let processed = await lab.number("SELECT count(*) FROM conversations WHERE processing_state = 'processed'") ?? -1
        let stuck = await lab.number("SELECT count(*) FROM jobs WHERE state IN ('available', 'running', 'retryable', 'discarded')") ?? -1
        let pending = await lab.number("SELECT count(*) FROM conversations WHERE processing_state <> 'processed'") ?? -1
        let audit = try await PipelineAudit(client: lab.client, logger: lab.logger).run()
        let duplicated = audit.findings.filter { $0.check.hasPrefix("duplicate_") }.map(\.count).reduce(0, +)
        var result = ChaosResult(
            scenario: scenario, expected: expected.count, stored: stored.intersection(expected).count, processed: processed,
            lost: expected.subtracting(stored).count, duplicated: duplicated, stuck: stuck, pending: pending,
            auditFindings: audit.findings.map(\.count).reduce(0, +), recoverySeconds: recovery,
            seconds: (ContinuousClock.now - started).inSeconds, faults: faults, problems: problems, skipped: nil)
        if !settled { result.problems.append("did not settle in time: something hangs") }
        if result.lost > 0 { result.problems.append("lost \(result.lost), e.g. \(expected.subtracting(stored).sorted().prefix(3))") }
        if result.duplicated > 0 { result.problems.append("duplicated \(result.duplicated)") }
        if result.stuck != 0 { result.problems.append("stuck jobs \(result.stuck)") }
        if result.pending != 0 { result.problems.append("pending conversations \(result.pending)") }
        for finding in audit.findings {
            result.problems.append("audit: \(finding.count) \(finding.description), e.g. \(finding.examples.prefix(2))")
        }
        if !sealingChecked, let problem = await lab.sealingProblem() { result.problems.append(problem) }
        if let recovery, recovery > OutageCast.recoveryBound.inSeconds {
            result.problems.append(String(format: "storing resumed %.1f s after the database came back (bound %.0f s)", recovery, OutageCast.recoveryBound.inSeconds))
        }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case scenario, expected, stored, processed, lost, duplicated, stuck, pending, seconds, faults, problems, skipped
        case auditFindings = "audit_findings"
        case recoverySeconds = "recovery_seconds"
    }
}
