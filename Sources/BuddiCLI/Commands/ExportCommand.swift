import BuddiRuntime
import ArgumentParser
import BuddiPipeline
import Foundation

extension Conversations.ExportFormat: ExpressibleByArgument {}

/// `buddi export`: the conversations, streamed to a file or stdout as JSON Lines or CSV.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export conversations as JSON Lines or CSV, streamed (never held in memory), with the filters of GET /api/conversations/export.",
        discussion: "With --mark-exported, what was written is marked exported once the whole export is in place, so `--exported false` next time exports only what is new.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "jsonl or csv.")
    var format: Conversations.ExportFormat = .jsonl

    @Option(help: "The file to write (default: standard output). Written to FILE.partial, renamed once complete.")
    var output: String?

    @Option(help: "Only this sentiment: positive, negative or neutral.")
    var sentiment: String?

    @Option(help: "Only a quality score at least this (0–1).")
    var minQuality: String?

    @Option(help: "Only conversations with this topic.")
    var topic: String?

    @Option(help: "Only this Buddi category.")
    var category: String?

    @Option(help: "Only memories created at or after this (ISO 8601 or YYYY-MM-DD).")
    var since: String?

    @Option(help: "Only memories created before this.")
    var until: String?

    @Option(name: .customLong("q"), help: "Only titles or summaries containing this text.")
    var text: String?

    @Option(help: "Only conversations already exported (true) or not yet (false).")
    var exported: String?

    @Flag(help: "Mark what is written as exported, once the export is complete.")
    var markExported = false

    /// The filter, checked as the HTTP API checks it.
    func filter() throws -> ConversationFilter {
        let given: [(String, String?)] = [
            ("sentiment", sentiment), ("min_quality", minQuality), ("topic", topic), ("category", category), ("since", since),
            ("until", until), ("q", text), ("exported", exported),
        ]
        do {
            return try ConversationFilter(parameters: Dictionary(uniqueKeysWithValues: given.compactMap { name, value in value.map { (name, $0) } }))
        } catch {
            // The filter names its parameters as the HTTP API does; here they are flags.
            var message = error.description
            for (name, _) in given where message.hasPrefix(name + " ") {
                message = "--" + name.replacingOccurrences(of: "_", with: "-") + message.dropFirst(name.count)
            }
            throw ValidationError(message)
        }
    }

    func validate() throws {
        _ = try filter()
    }

    func run() async throws {
        let logger = BuddiLogging.root
        let filter = try filter()
        let sink = try ExportSink(path: output)
        let (format, markExported) = (format, markExported)
        try await database.withDatabase(logger: logger) { client, _ in
            let conversations = Conversations(client: client, logger: logger)
            // Marked only once the whole file is in place: an export that fails marks nothing, so
            // `--exported false` exports the same rows again.
            var ids: [Int64] = []
            let count = try await conversations.export(filter, format: format, written: { ids += $0 }) { text in
                try sink.write(text)
            }
            try sink.finish(rows: count)
            if markExported { try await conversations.markExported(ids) }
        }
    }
}

/// Where an export goes: a file (written beside it, renamed once complete) or stdout; with a
/// progress line on stderr when that is a terminal.
final class ExportSink: @unchecked Sendable {
    private let handle: FileHandle
    private let path: String?
    private let progress = TerminalProgress("exported", unit: "lines")
    private var lines = 0

    init(path: String?) throws {
        self.path = path
        guard let path else {
            handle = FileHandle.standardOutput
            return
        }
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: partial)
        else { throw CLIError(description: "cannot write \(partial)") }
        self.handle = handle
    }

    func write(_ text: String) throws {
        try handle.write(contentsOf: Data(text.utf8))
        lines += text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        progress.update(lines)
    }

    func finish(rows: Int) throws {
        if let path {
            try handle.synchronize()
            try handle.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        }
        progress.finish()
        FileHandle.standardError.write(Data("exported \(rows) conversations\(path.map { " to \($0)" } ?? "")\n".utf8))
    }
}
