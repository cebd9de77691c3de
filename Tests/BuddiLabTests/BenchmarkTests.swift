import Foundation
import Testing

@testable import BuddiLab

@Suite("bench analyze")
struct BenchmarkTests {
    @Test("a run scores the texts asked for and reports texts_per_second in JSON")
    func run() throws {
        let result = SentimentBenchmark(texts: 2_000).run()
        #expect(result.texts == 2_000)
        #expect(result.textsPerSecond > 0)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        #expect(json?["texts_per_second"] is Double)
    }
}
