import BuddiAPI
import Foundation

/// The two documented shapes of a memory.
package enum MemoryShape: String, Sendable, CaseIterable {
    /// `{"id", "title", "text", "created_at"}`, as the public page documents.
    case flat
    /// `structured`, `transcript_segments`, `plugins_results` and friends, as wearables send.
    case rich
}

/// Makes the memory at a position of the simulated history: the same seed and position always
/// give the same memory, so runs, tests and benchmarks are reproducible.
struct MemoryGenerator: Sendable {
    let seed: UInt64
    let shape: MemoryShape
    /// Fraction (0…1) of memories whose `id` is missing, empty or not a string.
    let malformedRate: Double
    /// Fraction (0…1) of memories served broken in one of the ``BadMemoryKind`` ways.
    var badRate: Double = 0

    /// How the memory at `serial` is broken, if it is (stable for a seed and serial).
    func badKind(serial: Int) -> BadMemoryKind? {
        guard badRate > 0 else { return nil }
        var random = SeededGenerator(seed: SeededGenerator.mix(seed ^ 0xBAD_0BAD ^ UInt64(serial) &* 0x9E37_79B9_7F4A_7C15))
        return random.chance(badRate) ? random.pick(BadMemoryKind.allCases) : nil
    }

    /// The JSON text the API serves for the memory at `serial`: the memory, or its broken form.
    func text(serial: Int, createdAt: Date) -> String {
        let memory = memory(serial: serial, createdAt: createdAt)
        guard let kind = badKind(serial: serial) else { return memory.jsonText }
        return kind.render(memory, id: id(serial: serial))
    }

    /// The stable id of the memory at `serial`: distinct for distinct serials.
    func id(serial: Int) -> String {
        let value = SeededGenerator.mix(seed &* 0x1000_0000_01B3 &+ UInt64(serial))
        let hex = String(value, radix: 16)
        return "mem_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The memory at `serial`, created at `createdAt`, as the API would send it.
    func memory(serial: Int, createdAt: Date) -> JSONValue {
        var random = SeededGenerator(seed: SeededGenerator.mix(seed ^ UInt64(serial) &* 0x2545_F491_4F6C_DD1D))
        let content = Content(random: &random)
        var fields: [String: JSONValue] = ["id": .string(id(serial: serial))]
        fields["created_at"] = .string(Self.timestamp(createdAt, style: Int.random(in: 0..<3, using: &random)))
        switch shape {
        case .flat:
            fields["title"] = .string(content.title)
            fields["text"] = .string(content.overview)
        case .rich:
            addRichFields(to: &fields, content: content, createdAt: createdAt, random: &random)
        }
        if random.chance(malformedRate) {
            let breakage: [JSONValue?] = [nil, "", .number(Double(serial)), .null]
            fields["id"] = random.pick(breakage)
        }
        return .object(fields)
    }

    private func addRichFields(
        to fields: inout [String: JSONValue], content: Content, createdAt: Date, random: inout SeededGenerator
    ) {
        let segments = content.transcript(random: &random)
        let duration = segments.last?["end"]?.numberValue ?? 0
        fields["started_at"] = .string(Self.timestamp(createdAt.addingTimeInterval(-duration - 30), style: 0))
        if !random.chance(0.1) {
            fields["finished_at"] = .string(Self.timestamp(createdAt.addingTimeInterval(-30), style: 1))
        }
        if !random.chance(0.1) { fields["language"] = "en" }
        fields["source"] = .string(random.pick(["friend", "omi", "openglass"]))
        fields["visibility"] = "private"
        fields["status"] = "completed"
        fields["discarded"] = .bool(random.chance(0.05))
        var structured: [String: JSONValue] = [
            "title": .string(content.title), "overview": .string(content.overview),
            "category": .string(content.category), "events": [],
            "action_items": .array(content.actionItems(random: &random)),
        ]
        if !random.chance(0.1) { structured["emoji"] = .string(content.emoji) }
        fields["structured"] = .object(structured)
        fields["transcript_segments"] = .array(segments)
        if random.chance(0.3) {
            fields["plugins_results"] = [["plugin_id": "mood-tracker", "content": .string("Mood: \(content.mood)")]]
        }
    }

    /// The timestamp formats seen in the wild: fractional seconds with `Z`, whole seconds with
    /// `Z`, and an explicit `+00:00` offset.
    private static func timestamp(_ date: Date, style: Int) -> String {
        let whole = date.formatted(.iso8601)
        switch style {
        case 0:
            let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded()) % 1000
            return whole.dropLast() + ".\(String(1000 + milliseconds).dropFirst())Z"
        case 1: return whole
        default: return whole.dropLast() + "+00:00"
        }
    }
}

/// What one simulated conversation was about.
private struct Content {
    let person: String
    let topic: String
    let category: String
    let emoji: String
    let mood: String
    let overview: String
    let title: String

    init(random: inout SeededGenerator) {
        let category = random.pick(MemoryPhrases.categories)
        person = random.pick(MemoryPhrases.people)
        topic = random.pick(category.topics)
        self.category = category.name
        emoji = category.emoji
        let moods = [("positive", MemoryPhrases.positive), ("negative", MemoryPhrases.negative), ("neutral", MemoryPhrases.neutral)]
        let (mood, overviews) = random.pick(moods)
        self.mood = mood
        overview = Self.fill(random.pick(overviews), person: person, topic: topic)
        title = "\(topic.prefix(1).uppercased())\(topic.dropFirst()) with \(person)"
    }

    /// One to three action items; now and then a plain string instead of an object.
    func actionItems(random: inout SeededGenerator) -> [JSONValue] {
        (0..<Int.random(in: 0...3, using: &random)).map { _ in
            let description = Self.fill(random.pick(MemoryPhrases.actions), person: person, topic: topic)
            if random.chance(0.2) { return .string(description) }
            return ["description": .string(description), "completed": .bool(random.chance(0.3))]
        }
    }

    /// Two to five segments alternating between the wearer and the other person.
    func transcript(random: inout SeededGenerator) -> [JSONValue] {
        var start = 0.0
        return (0..<Int.random(in: 2...5, using: &random)).map { index in
            let end = start + Double(Int.random(in: 15...90, using: &random)) / 10
            defer { start = end + 0.4 }
            let speaker = index % 2
            return [
                "text": .string(Self.fill(random.pick(MemoryPhrases.lines), person: person, topic: topic)),
                "speaker": .string("SPEAKER_0\(speaker)"), "speaker_id": .number(Double(speaker)),
                "is_user": .bool(speaker == 0), "start": .number(start), "end": .number(end),
            ]
        }
    }

    private static func fill(_ template: String, person: String, topic: String) -> String {
        template.replacingOccurrences(of: "{person}", with: person).replacingOccurrences(of: "{topic}", with: topic)
    }
}
