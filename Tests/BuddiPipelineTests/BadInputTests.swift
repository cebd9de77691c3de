@testable import BuddiAPI
@testable import BuddiPipeline
import BuddiSimulator
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Testing

@Suite("Bad input never blocks good input", .serialized)
struct BadInputTests {
    @Test("a dozen kinds of bad memory among good ones: every good one stored and processed once, every bad one in rejected_memories with its reason (a row the database refuses found and set aside), the fetch completed")
    func badMemoriesRejectedAlone() async throws {
        try await PipelineWorld.with(memories: 600, faults: FaultPlan(badMemoryRate: 0.1)) { world in
            // Ids up to 100 kB pass the checks, so the 6 kB ones reach PostgreSQL, whose index refuses them.
            let worker = try world.worker(settings: ["BUDDI_MAX_MEMORY_ID_BYTES": "100000"])
            let fetch = try await world.fetch()
            #expect(fetch.state == .completed, "\(fetch.errors)")
            let bad = await world.simulator.badMemories()
            #expect(Set(bad.map(\.kind)) == Set(BadMemoryKind.allCases))
            let badIDs = Set(bad.map(\.id))
            let good = (await world.simulator.memoryIDs()).filter { !badIDs.contains($0) }
            #expect(try await world.waitForProcessed(Int64(good.count)))
            var stored: [String] = []
            for try await id in try await world.db.client.query("SELECT buddi_id FROM conversations", logger: world.db.logger).decode(String.self) {
                stored.append(id)
            }
            #expect(stored.count == good.count)
            #expect(Set(stored) == Set(good))

            #expect(try await world.count("SELECT count(*) FROM rejected_memories") == Int64(bad.count))
            #expect(try await world.count("SELECT (result->>'rejected')::int8 FROM jobs WHERE id = \(fetch.id)") == Int64(bad.count))
            for (id, kind) in bad where kind.keepsID || kind == .longID {
                let row: PostgresQuery = kind == .longID
                    ? "SELECT reason FROM rejected_memories WHERE buddi_id LIKE \(id + "-%")"
                    : "SELECT reason FROM rejected_memories WHERE buddi_id = \(id)"
                let reason = try await world.db.scalar(row, as: String.self)
                #expect(reason != nil, "\(kind) \(id) is not in rejected_memories")
                if kind == .longID {
                    #expect(reason?.hasPrefix("the database refused it: index row size") == true, "\(reason ?? "")")
                }
            }
            // The memories without a usable id, kind by kind, by their reasons.
            for (kind, reason) in [(BadMemoryKind.numericID, "`id` is a number%"), (.missingID, "`id` is missing"),
                                   (.blankID, "`id` is an empty string"), (.notAnObject, "%not an object")] {
                #expect(try await world.count("SELECT count(*) FROM rejected_memories WHERE buddi_id IS NULL AND reason LIKE \(reason)")
                    == Int64(bad.filter { $0.kind == kind }.count), "\(kind)")
            }
            #expect(try await world.count("SELECT count(*) FROM rejected_memories WHERE buddi_id IS NULL")
                == Int64(bad.filter { !$0.kind.keepsID && $0.kind != .longID }.count))

            // Met again: by another fetch it counts, by a retry of the same one it does not.
            let (known, _) = try #require(bad.first { $0.kind.keepsID })
            let again = MemoryRejection(
                SkippedMemory(position: 3, error: MemoryDecodingError(id: known, reason: "met again"), bytes: Array("{}".utf8)[...]),
                pageCursor: "c1")
            for job in [fetch.id, fetch.id + 1000, fetch.id + 1000] {
                try await world.db.execute(RejectionSQL.record([again], jobID: job))
            }
            #expect(try await world.count("SELECT times_seen::int8 FROM rejected_memories WHERE buddi_id = \(known)") == 2)
            #expect(try await world.count("SELECT fetch_job_id FROM rejected_memories WHERE buddi_id = \(known)") == fetch.id + 1000)
            #expect(try await world.db.scalar("SELECT reason FROM rejected_memories WHERE buddi_id = \(known)", as: String.self) == "met again")
            let listed = try await world.run(["rejected", "--json", "--limit", "1000"])
            #expect(listed.status == 0, "\(listed.output)")
            let page = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any], "\(listed.output)")
            #expect(page["total"] as? Int == bad.count)
            #expect((page["items"] as? [Any])?.count == bad.count)
            let text = try await world.run(["status"])
            #expect(text.output.contains("\(bad.count) memories rejected"), "\(text.output)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0)
        }
    }
}
