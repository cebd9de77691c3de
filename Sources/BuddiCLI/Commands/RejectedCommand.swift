import BuddiRuntime
import ArgumentParser
import BuddiPipeline
import Foundation

/// `buddi rejected`: the memories fetches could not store, and why.
struct RejectedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected",
        abstract: "List the memories fetches could not store (bad JSON, NUL, sizes, no usable id, refused by the database), most recent first.",
        discussion: "Each was rejected on its own: the rest of its page was stored. The same list is GET /api/rejected-memories.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many to list (1–1000).")
    var limit = 20

    @Option(help: "How many of the most recent to skip.")
    var offset = 0

    @Flag(help: "Print the page as one JSON object.")
    var json = false

    func validate() throws {
        guard (1...Paging.maxLimit).contains(limit) else { throw ValidationError("--limit must be from 1 to \(Paging.maxLimit), got \(limit)") }
        guard (0...Paging.maxOffset).contains(offset) else { throw ValidationError("--offset must be from 0 to \(Paging.maxOffset), got \(offset)") }
    }

    func run() async throws {
        let logger = BuddiLogging.root
        let paging = try Paging(parameters: ["limit": "\(limit)", "offset": "\(offset)"])
        let page = try await database.withDatabase(logger: logger) { client, _ in
            try await RejectedMemoryPage.read(paging: paging, client: client, logger: logger)
        }
        if json {
            print(try ControlJSON.encode(page, pretty: true))
            return
        }
        print("\(page.total) rejected memories\(page.items.isEmpty ? "" : ", most recent first:")")
        for item in page.items {
            let name = item.buddiID.map { "\"\($0)\"" } ?? "(no usable id)"
            print("\(name) — \(item.reason)")
            let origin = item.fetchJobID.map { "fetch job \($0), position \(item.position)" } ?? "webhook delivery \(item.webhookID ?? "")"
            print("    \(origin), seen \(item.timesSeen)×, last \(ISO8601DateFormatter().string(from: item.lastSeenAt))")
            print("    \(item.excerpt.prefix(160))")
        }
    }
}
