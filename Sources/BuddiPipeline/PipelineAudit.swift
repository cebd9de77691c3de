import JobQueue
import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// Looks for what no test can rule out: work that names rows that do not exist, counts that
/// disagree with rows, conversations nothing will ever process, anchors or tokens made twice.
/// Read-only, and safe on a live system (a finding about work in flight may clear on a re-run).
package struct PipelineAudit: Sendable {
    /// One kind of inconsistency, how many were found, and a few examples.
    package struct Finding: Codable, Sendable, Equatable {
        package var check: String
        package var description: String
        package var count: Int
        package var examples: [String]
    }

    /// Every check, and what it found.
    package struct Report: Codable, Sendable {
        package var checks: Int
        package var findings: [Finding]
        /// Whether nothing was found.
        package var clean: Bool { findings.isEmpty }
    }

    let client: DatabaseClient
    let logger: Logger

    package init(client: DatabaseClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs every check.
    package func run() async throws -> Report {
        var findings: [Finding] = []
        for check in Self.checks {
            var count = 0
            var examples: [String] = []
            for try await example in try await client.query(check.query, logger: logger).decode(String.self) {
                count += 1
                if examples.count < 5 { examples.append(example) }
            }
            if count > 0 {
                findings.append(Finding(check: check.name, description: check.description, count: count, examples: examples))
            }
        }
        return Report(checks: Self.checks.count, findings: findings)
    }

    private struct Check: Sendable {
        let name: String
        let description: String
        /// One row (a text naming the culprit) per inconsistency.
        let query: PostgresQuery
    }

    private static let checks: [Check] = [
        Check(
            name: "process_job_missing_conversation",
            description: "process jobs naming conversations that do not exist",
            query: """
                SELECT 'job ' || j.id || ' names conversation ' || c.id
                FROM jobs j, jsonb_array_elements_text(j.args -> '\(unescaped: ProcessArgs.conversationIDsKey)') AS c(id)
                WHERE j.kind = 'process' AND NOT EXISTS (SELECT 1 FROM conversations WHERE id = (c.id)::bigint)
                """),
        Check(
            name: "fetch_count_mismatch",
            description: "succeeded fetches whose count of new conversations disagrees with the rows they stored",
            query: """
                SELECT 'fetch job ' || r.job_id || ': new ' || r.new_conversations || ', rows ' || count(c.id)
                FROM fetch_runs r LEFT JOIN conversations c ON c.fetch_job_id = r.job_id
                WHERE r.outcome = \(unescaped: FetchOutcome.succeeded.sql)
                GROUP BY r.job_id, r.new_conversations HAVING count(c.id) <> r.new_conversations
                """),
        Check(
            name: "pending_without_work",
            description: "conversations pending with nothing to process them",
            query: PostgresQuery(unsafeSQL: """
                SELECT 'conversation ' || c.id || ' (' || c.buddi_id || ')'
                FROM conversations c
                WHERE c.processing_state = \(ProcessingState.pending.sql)
                  AND NOT EXISTS (
                      SELECT 1 FROM jobs j
                      WHERE j.kind = 'process' AND j.state IN \(JobState.sqlList(JobState.unfinished))
                        AND j.args -> '\(ProcessArgs.conversationIDsKey)' @> to_jsonb(c.id))
                """)),
        Check(
            name: "processed_without_anchor",
            description: "processed conversations without an anchor or a token",
            query: """
                SELECT 'conversation ' || id FROM conversations
                WHERE processing_state = \(unescaped: ProcessingState.processed.sql) AND (anchor_id IS NULL OR token_id IS NULL)
                """),
        Check(
            name: "duplicate_anchors",
            description: "conversations anchored more than once",
            query: """
                SELECT storage_hint || ' anchored ' || count(*) || ' times' FROM ledger_anchors
                GROUP BY storage_hint HAVING count(*) > 1
                """),
        Check(
            name: "shared_anchors",
            description: "anchors or tokens that several conversations name",
            query: """
                SELECT 'anchor ' || anchor_id || ' named by ' || count(*) || ' conversations' FROM conversations
                WHERE anchor_id IS NOT NULL GROUP BY anchor_id HAVING count(*) > 1
                UNION ALL
                SELECT 'token ' || token_id || ' named by ' || count(*) || ' conversations' FROM conversations
                WHERE token_id IS NOT NULL GROUP BY token_id HAVING count(*) > 1
                """),
        Check(
            name: "token_without_anchor",
            description: "access tokens whose anchor does not exist",
            query: """
                SELECT 'token ' || t.id || ' names anchor ' || t.anchor_id FROM ledger_tokens t
                WHERE NOT EXISTS (SELECT 1 FROM ledger_anchors a WHERE a.id = t.anchor_id)
                """),
        Check(
            name: "duplicate_tokens",
            description: "anchors with more than one access token",
            query: """
                SELECT 'anchor ' || anchor_id || ' has ' || count(*) || ' tokens' FROM ledger_tokens
                GROUP BY anchor_id HAVING count(*) > 1
                """),
    ]
}
