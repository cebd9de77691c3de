import BuddiRuntime
import BuddiPipeline
import ArgumentParser
import Foundation
import JobQueue

/// `buddi jobs list|show|retry|cancel|queues|pause|resume`.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List, show, retry and cancel jobs; list, pause and resume queues.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Queues.self, Pause.self, Resume.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Only jobs in this state (\(JobState.allCases.map(\.rawValue).joined(separator: ", "))).")
        var state: JobState?

        @Option(help: "Only jobs of this kind (fetch, process…).")
        var kind: String?

        @Option(help: "Only jobs of this queue.")
        var queue: String?

        @Option(help: "How many (1–1000).")
        var limit = 20

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000, got \(limit)") }
        }

        func run() async throws {
            let logger = BuddiLogging.root
            let (state, kind, queue, limit) = (state, kind, queue, limit)
            let jobs = try await database.withDatabase(logger: logger) { client, _ in
                try await Pipeline.queue(client: client, logger: logger).list(state: state, kind: kind, queue: queue, limit: limit)
            }
            if json {
                print(try ControlJSON.encode(jobs.map(JobView.init), pretty: true))
                return
            }
            print("id\tkind\tqueue\tstate\tattempt\tcreated")
            for job in jobs {
                print("\(job.id)\t\(job.kind)\t\(job.queue)\t\(job.state.rawValue)\t\(job.attempt)/\(job.maxAttempts)\t\(job.createdAt.formatted(.iso8601))")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job as JSON.")

        @OptionGroup var target: JobTarget

        func run() async throws {
            let job = try await target.withQueue { queue, id in try await queue.job(id: id) }
            guard let job else { throw JobQueueError.jobNotFound(target.id) }
            print(try ControlJSON.encode(JobView(job), pretty: true))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a finished or retryable job again now.")

        @OptionGroup var target: JobTarget

        func run() async throws {
            try await target.withQueue { queue, id in try await queue.retry(id: id) }
            print("job \(target.id) will run again")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a waiting or running job.")

        @OptionGroup var target: JobTarget

        func run() async throws {
            let state = try await target.withQueue { queue, id in try await queue.cancel(id: id) }
            print(state == .running ? "job \(target.id) is running; its worker will stop it" : "job \(target.id) cancelled")
        }
    }

    struct Queues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the queues: paused or running, jobs waiting and running.")

        @OptionGroup var database: DatabaseOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let logger = BuddiLogging.root
            let queues = try await database.withDatabase(logger: logger) { client, _ in
                try await Pipeline.queue(client: client, logger: logger).queues()
            }
            if json {
                print(try ControlJSON.encode(queues, pretty: true))
                return
            }
            print("queue\tstate\twaiting\trunning")
            for queue in queues {
                let state = queue.pausedAt.map { "paused since \($0.formatted(.iso8601))" } ?? "running"
                print("\(queue.name)\t\(state)\t\(queue.waiting)\t\(queue.running)")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause a queue for the whole cluster: workers stop claiming from it (running jobs finish) until it is resumed.")

        @OptionGroup var target: QueueTarget

        func run() async throws {
            try await target.withQueue { queue, name in try await queue.pause(queue: name) }
            print("queue \(target.name) paused")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused queue.")

        @OptionGroup var target: QueueTarget

        func run() async throws {
            try await target.withQueue { queue, name in try await queue.resume(queue: name) }
            print("queue \(target.name) resumed")
        }
    }
}

/// The database and the queue a command acts on.
struct QueueTarget: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The queue's name (e.g. default).")
    var name: String

    func validate() throws {
        if let problem = QueueName.problem(name) { throw ValidationError("QUEUE: \(problem)") }
    }

    /// Runs `body` with the queue engine and the queue's name.
    func withQueue<T: Sendable>(_ body: @Sendable (JobQueue, String) async throws -> T) async throws -> T {
        let logger = BuddiLogging.root
        let name = name
        return try await database.withDatabase(logger: logger) { client, _ in
            try await body(Pipeline.queue(client: client, logger: logger), name)
        }
    }
}

/// The database and the id of the job a command acts on.
struct JobTarget: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The job's id.")
    var id: Int64

    /// Runs `body` with the queue and the job's id.
    func withQueue<T: Sendable>(_ body: @Sendable (JobQueue, Int64) async throws -> T) async throws -> T {
        let logger = BuddiLogging.root
        let id = id
        return try await database.withDatabase(logger: logger) { client, _ in
            try await body(Pipeline.queue(client: client, logger: logger), id)
        }
    }
}

extension JobState: ExpressibleByArgument {}
