@testable import BuddiAPI
import BuddiSimulator
import Foundation
import Testing

@Suite("Bad memories are rejected alone")
struct BadMemoryTests {
    /// What the rejection of each kind of bad memory says.
    static let reasons: [BadMemoryKind: String] = [
        .nulInTitle: "`title` contains U+0000 (NUL), which PostgreSQL cannot store",
        .nulInTranscript: "`transcript_segments[0].text` contains U+0000 (NUL)",
        .nulInMemberName: "a member name in `the memory` contains U+0000 (NUL)",
        .loneHighSurrogate: "it cannot be read: unpaired surrogate",
        .loneLowSurrogate: "it cannot be read: invalid \\u escape",
        .invalidEscape: "it cannot be read: invalid escape",
        .deepNesting: "it cannot be read: nesting deeper than 512 levels",
        .controlCharacter: "it cannot be read: control character in a string",
        .oversizedField: "at most 1048576 are taken in one string (BUDDI_MAX_FIELD_BYTES)",
        .longID: "at most 256 are taken (BUDDI_MAX_MEMORY_ID_BYTES)",
        .numericID: "`id` is a number, not a string",
        .missingID: "`id` is missing",
        .blankID: "`id` is an empty string",
        .notAnObject: "not an object",
    ]

    @Test("a dozen kinds of bad memory among good ones: each rejected with its reason (and id where readable), every good one taken")
    func everyKind() async throws {
        let configuration = SimulatorConfiguration(memoryCount: 400, faults: FaultPlan(badMemoryRate: 0.25))
        try await withSimulator(configuration) { simulator, client in
            var taken: [String] = []
            var skipped: [SkippedMemory] = []
            for try await page in client.pages() {
                taken += page.memories.map(\.id)
                skipped += page.skipped
            }
            let bad = await simulator.badMemories()
            #expect(Set(bad.map(\.kind)) == Set(BadMemoryKind.allCases))
            let badIDs = Set(bad.map(\.id))
            #expect(taken == (await simulator.memoryIDs()).filter { !badIDs.contains($0) })
            #expect(skipped.count == bad.count)
            // Newest first, like the memories: the n-th rejection is the n-th bad memory.
            for (rejection, (id, kind)) in zip(skipped, bad) {
                let reason = try #require(Self.reasons[kind])
                #expect(rejection.error.reason.contains(reason), "\(kind): \(rejection.error.reason)")
                #expect(rejection.error.id == (kind.keepsID ? id : nil), "\(kind)")
                #expect(rejection.excerpt.utf8.count <= SkippedMemory.excerptBytes + 3)
                #expect(!rejection.excerpt.contains("\u{0}"))
            }
        }
    }

    @Test("a body cut inside a bad memory is not a page: its structure cannot be read")
    func cutInsideBadMemory() throws {
        let body = Data(#"{"memories":[{"id":"a","title":"ok"},{"id":"b","title":"bad \q and cut"#.utf8)
        #expect(throws: PageDecodingError.self) { try MemoryPage(body: body) }
        let whole = Data(#"{"memories":[{"id":"a","title":"ok"},{"id":"b","title":"bad \q"}],"next_cursor":"c9"}"#.utf8)
        let page = try MemoryPage(body: whole)
        #expect(page.memories.map(\.id) == ["a"])
        #expect(page.skipped.map(\.error.id) == ["b"])
        #expect(page.skipped.first?.excerpt == #"{"id":"b","title":"bad \q"}"#)
        #expect(page.nextCursor == "c9")
        // A cursor could not be saved in the checkpoint: the page is unreadable (and retried).
        #expect(throws: PageDecodingError.self) { try MemoryPage(body: Data(#"{"memories":[],"next_cursor":"a\u0000b"}"#.utf8)) }
    }

    @Test("the limits come from the environment, and a bad value names its variable")
    func limitsFromEnvironment() throws {
        let configuration = try BuddiAPIConfiguration.fromEnvironment([
            "BUDDI_MAX_MEMORY_BYTES": "1000", "BUDDI_MAX_FIELD_BYTES": "100", "BUDDI_MAX_MEMORY_ID_BYTES": "10",
            "BUDDI_API_REQUEST_TIMEOUT_SECONDS": "2.5",
        ])
        #expect(configuration.memoryLimits == MemoryLimits(maxMemoryBytes: 1000, maxFieldBytes: 100, maxIDBytes: 10))
        #expect(configuration.requestTimeout == .milliseconds(2500))
        #expect(throws: BuddiAPIError.invalidConfiguration("BUDDI_MAX_FIELD_BYTES must be a positive whole number, got 'lots'")) {
            try BuddiAPIConfiguration.fromEnvironment(["BUDDI_MAX_FIELD_BYTES": "lots"])
        }
        #expect(throws: BuddiAPIError.invalidConfiguration("BUDDI_API_READ_TIMEOUT_SECONDS must be a number of seconds from 0.001 to 86400, got '0.0001'")) {
            try BuddiAPIConfiguration.fromEnvironment(["BUDDI_API_READ_TIMEOUT_SECONDS": "0.0001"])
        }
        let body = Data(#"{"memories":[{"id":"a","text":"short"},{"id":"b","text":"far longer than ten"}]}"#.utf8)
        let page = try MemoryPage(body: body, limits: MemoryLimits(maxFieldBytes: 10))
        #expect(page.memories.map(\.id) == ["a"])
        #expect(page.skipped.first?.error.reason == "`text` is 19 bytes; at most 10 are taken in one string (BUDDI_MAX_FIELD_BYTES)")
    }

    @Test("the reader measures every string a memory holds, so that only a wrong one is walked")
    func screenShortcut() throws {
        // A signed \u escape is no escape: it must not smuggle U+0000 past the screen.
        for escape in [#"\u-000"#, #"\u+000"#] {
            let body = Data(#"{"memories":[{"id":"a","text":"x"#.utf8) + Data(escape.utf8) + Data(#"y"},{"id":"b"}]}"#.utf8)
            let page = try MemoryPage(body: body)
            #expect(page.memories.map(\.id) == ["b"], "\(escape)")
            #expect(page.skipped.first?.error.reason.contains("invalid \\u escape") == true, "\(page.skipped)")
        }
        // An escaped NUL in a member name, and none elsewhere, is still found.
        let named = try MemoryPage(body: Data(#"{"memories":[{"id":"a","x\u0000":1},{"id":"b"}]}"#.utf8))
        #expect(named.memories.map(\.id) == ["b"])
        #expect(named.skipped.first?.error.reason.contains("U+0000") == true, "\(named.skipped)")
        // A pushed memory (one document) is measured the same way.
        #expect(throws: MemoryDocumentError.self) { try Memory(document: Array(#"{"id":"a","title":"x\u0000"}"#.utf8)) }
        #expect(throws: MemoryDocumentError.self) {
            try Memory(document: Array(#"{"id":"a","title":"0123456789a"}"#.utf8), limits: MemoryLimits(maxFieldBytes: 10))
        }
        #expect(try Memory(document: Array(#"{"id":"a","title":"0123456789"}"#.utf8), limits: MemoryLimits(maxFieldBytes: 10)).id == "a")
        // Each invalid byte becomes U+FFFD, three bytes: 40 of them in a memory of 80 bytes.
        let invalid = Data(#"{"memories":[{"id":"a","text":""#.utf8) + Data(repeating: 0xFF, count: 40) + Data(#""}]}"#.utf8)
        let page = try MemoryPage(body: invalid, limits: MemoryLimits(maxFieldBytes: 100))
        #expect(page.memories.isEmpty)
        #expect(page.skipped.first?.error.reason == "`text` is 120 bytes; at most 100 are taken in one string (BUDDI_MAX_FIELD_BYTES)")
    }
}
