import BuddiAPI
import Foundation
import Logging

/// Writes each log record as one JSON object on stderr:
/// `{"time":"…","level":"info","label":"buddi","message":"…","job_id":"42"}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    /// Adds metadata from the record's context (the job a worker's task runs, say).
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, logLevel: Logger.Level) {
        self.label = label
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var fields: [String: String] = [:]
        let provided = metadataProvider?.get() ?? [:]
        for (key, value) in metadata.merging(provided) { $1 }.merging(explicit ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        fields["time"] = Date().formatted(.iso8601)
        fields["level"] = level.rawValue
        fields["label"] = label
        fields["message"] = message.description
        var line = "{"
        for (index, key) in (["time", "level", "label", "message"] + fields.keys.filter { !["time", "level", "label", "message"].contains($0) }.sorted()).enumerated() {
            if index > 0 { line += "," }
            line += JSONValue.string(key).jsonText + ":" + JSONValue.string(fields[key] ?? "").jsonText
        }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
