import Foundation

/// Which conversations a listing or an export covers. Every field is optional; all given
/// ones must hold.
package struct ConversationFilter: Sendable, Equatable {
    /// `positive`, `negative` or `neutral`.
    package var sentiment: String?
    /// Quality score at least this, in [0, 1].
    package var minQuality: Double?
    /// Has this topic.
    package var topic: String?
    /// This Buddi category.
    package var category: String?
    /// Memory created at or after / before.
    package var since: Date?
    package var until: Date?
    /// Title or summary contains this text (case-insensitive).
    package var text: String?
    /// Already exported (`true`) or not yet (`false`).
    package var exported: Bool?

    /// The longest `q` searched for.
    package static let maxTextLength = 200

    package init() {}

    /// The filter from query parameters (`sentiment`, `min_quality`, `topic`, `category`,
    /// `since`, `until`, `q`, `exported`); a bad value is an error naming the parameter.
    package init(parameters: [String: String]) throws(ControlError) {
        if let sentiment = parameters["sentiment"] {
            guard ["positive", "negative", "neutral"].contains(sentiment) else {
                throw .invalidParameter(name: "sentiment", value: sentiment, expected: "positive, negative or neutral")
            }
            self.sentiment = sentiment
        }
        if let text = parameters["min_quality"] {
            guard let value = Double(text), (0...1).contains(value) else {
                throw .invalidParameter(name: "min_quality", value: text, expected: "a number from 0 to 1")
            }
            minQuality = value
        }
        topic = parameters["topic"].flatMap { $0.isEmpty ? nil : $0 }
        category = parameters["category"].flatMap { $0.isEmpty ? nil : $0 }
        text = parameters["q"].flatMap { $0.isEmpty ? nil : $0 }
        if let text, text.count > Self.maxTextLength {
            throw .invalidParameter(name: "q", value: String(text.prefix(20)) + "…", expected: "at most \(Self.maxTextLength) characters")
        }
        // q is looked up by its words: one without a letter or digit could never match.
        if let text, !text.contains(where: { $0.isLetter || $0.isNumber }) {
            throw .invalidParameter(name: "q", value: text, expected: "text with at least one letter or digit")
        }
        if let text = parameters["exported"] {
            guard let value = Bool(text) else { throw .invalidParameter(name: "exported", value: text, expected: "true or false") }
            exported = value
        }
        since = try Self.time(parameters, "since")
        until = try Self.time(parameters, "until")
    }

    /// A time as ISO 8601 (with or without fractional seconds) or a day (YYYY-MM-DD).
    private static func time(_ parameters: [String: String], _ name: String) throws(ControlError) -> Date? {
        guard let text = parameters[name] else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return date }
        throw .invalidParameter(name: name, value: text, expected: "a time as ISO 8601 or a day as YYYY-MM-DD")
    }
}

/// A page of a listing.
package struct Paging: Sendable, Equatable {
    package static let maxLimit = 1000
    /// The most rows a listing skips (deeper pages cost the server a scan each; narrow the filter).
    package static let maxOffset = 100_000
    package var limit = 50
    package var offset = 0


    /// From `limit` (1…1000) and `offset` (or its alias `skip`, ≥ 0).
    package init(parameters: [String: String]) throws(ControlError) {
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...Self.maxLimit).contains(value) else {
                throw .invalidParameter(name: "limit", value: text, expected: "a whole number from 1 to \(Self.maxLimit)")
            }
            limit = value
        }
        for name in ["offset", "skip"] {
            if let text = parameters[name] {
                guard let value = Int(text), (0...Self.maxOffset).contains(value) else {
                    throw .invalidParameter(name: name, value: text, expected: "a whole number from 0 to \(Self.maxOffset)")
                }
                offset = value
            }
        }
    }
}
