import JobQueue
import Foundation
import PostgresNIO

/// Every statement on `fetch_gaps`, the stretches of the API above stored memories that no fetch
/// has walked to the end yet.
enum FetchGapSQL {
    /// Takes the open gaps for fetch `jobID` to walk: those nobody walks, those it walks already,
    /// and those of fetches that have ended.
    static func take(jobID: Int64) -> PostgresQuery {
        """
        UPDATE fetch_gaps g SET walked_by_job_id = \(jobID), updated_at = now()
        WHERE g.walked_by_job_id IS NULL OR g.walked_by_job_id = \(jobID)
           OR NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = g.walked_by_job_id
                          AND j.state IN \(unescaped: JobState.sqlList(JobState.unfinished)))
        RETURNING g.id, g.cursor, g.skip_through_id, g.lower_buddi_id, g.lower_created_at
        """
    }

    /// Opens a gap below a stored page, walked by fetch `jobID`; returns its id.
    static func open(jobID: Int64, leg: FetchLeg) -> PostgresQuery {
        """
        INSERT INTO fetch_gaps (cursor, skip_through_id, lower_buddi_id, lower_created_at, opened_by_job_id, walked_by_job_id)
        VALUES (\(leg.cursor), \(leg.skipThroughID), \(leg.lowerID), \(leg.lowerCreatedAt), \(jobID), \(jobID))
        RETURNING id
        """
    }

    /// Moves a gap's resume point down to where its walk has come.
    static func advance(id: Int64, cursor: String?, skipThroughID: String?) -> PostgresQuery {
        """
        UPDATE fetch_gaps SET cursor = \(cursor), skip_through_id = \(skipThroughID), updated_at = now()
        WHERE id = \(id)
        """
    }

    /// Closes a gap walked down to its lower bound.
    static func close(id: Int64) -> PostgresQuery {
        "DELETE FROM fetch_gaps WHERE id = \(id)"
    }
}
