import BuddiRuntime
import ArgumentParser
import BuddiPipeline
import Foundation

/// `buddi start`: enables scheduled fetches, for every scheduler replica, persistently.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Enable scheduled fetches (persistent, for every scheduler replica).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let settings = try await setEnabled(true, database: database)
        print("scheduling enabled: a fetch every \(settings.fetchIntervalHours) h, at most \(settings.maxConversationsPerFetch) conversations each")
    }
}

/// `buddi stop`: disables scheduled fetches (running ones finish; manual fetches still work).
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Disable scheduled fetches (persistent; manual fetches still work).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        _ = try await setEnabled(false, database: database)
        print("scheduling disabled")
    }
}

private func setEnabled(_ enabled: Bool, database: DatabaseOptions) async throws -> SchedulerSettings {
    let logger = BuddiLogging.root
    let defaults = try BuddiEnvironment.current.scheduler()
    return try await database.withDatabase(logger: logger) { client, _ in
        try await SchedulerSettingsStore(client: client, defaults: defaults, logger: logger).setEnabled(enabled)
    }
}

/// `buddi config`: shows the scheduler settings, or changes them within their bounds.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show or change the scheduler settings (shared by every process).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Hours between scheduled fetches (1–24).")
    var fetchIntervalHours: Int?

    @Option(help: "The most conversations one scheduled fetch takes (1–1000).")
    var maxConversationsPerFetch: Int?

    @Flag(help: "Print the settings as JSON.")
    var json = false

    func validate() throws {
        do {
            try SchedulerSettings.validate(fetchIntervalHours: fetchIntervalHours, maxConversationsPerFetch: maxConversationsPerFetch)
        } catch {
            throw ValidationError("--" + error.description.replacingOccurrences(of: "_", with: "-"))
        }
    }

    func run() async throws {
        let logger = BuddiLogging.root
        let defaults = try BuddiEnvironment.current.scheduler()
        let (hours, max) = (fetchIntervalHours, maxConversationsPerFetch)
        let settings = try await database.withDatabase(logger: logger) { client, _ in
            let store = SchedulerSettingsStore(client: client, defaults: defaults, logger: logger)
            if hours == nil, max == nil { return try await store.current() }
            return try await store.configure(fetchIntervalHours: hours, maxConversationsPerFetch: max)
        }
        if json {
            print(try ControlJSON.encode(settings, pretty: true))
        } else {
            print("""
                enabled: \(settings.enabled)
                fetch_interval_hours: \(settings.fetchIntervalHours)
                max_conversations_per_fetch: \(settings.maxConversationsPerFetch)
                min_fetch_spacing_seconds: \(settings.minFetchSpacingSeconds)
                error_recovery_seconds: \(settings.errorRecoverySeconds)
                """)
        }
    }
}
