import BuddiPipeline
import Foundation
import Hummingbird

/// `/ui/analytics`: sentiment per day over the newest memories' last 30 days, the top topics, and the quality and
/// engagement histograms.
struct AnalyticsPage {
    let dependencies: APIDependencies
    static let path = "/ui/analytics"

    func register(on routes: ConsoleRoutes, router: Router<BasicRequestContext>) {
        let dependencies = dependencies
        routes.page(router, RouterPath(Self.path)) { _, _, _ in
            let overview = try await AnalyticsOverview.read(client: dependencies.client, logger: dependencies.logger)
            return ConsolePage(section: Self.path, title: "Analytics", content: Self.render(overview))
        }
    }

    static func render(_ overview: AnalyticsOverview) -> HTML {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let days = overview.sentimentByDay.map {
            SVGChart.Column(label: formatter.string(from: $0.day), parts: [$0.positive, $0.neutral, $0.negative])
        }
        let axis = (days.first?.label ?? "", days.last?.label ?? "")
        let bins = (0..<10).map { String(format: "%.1f–%.1f", Double($0) / 10, Double($0 + 1) / 10) }
        func histogram(_ counts: [Int], _ caption: String) -> HTML {
            SVGChart.columns(zip(bins, counts).map { SVGChart.Column(label: $0.0, parts: [$0.1]) }, classes: ["bar-jobs"], legend: ["conversations"], caption: caption, axis: ("0", "1"))
        }
        return """
            <section id="analytics" aria-label="Analytics">
            <h2>Sentiment per day</h2>
            \(days.isEmpty ? "<p class=\"muted\">No processed conversations yet.</p>" :
                SVGChart.columns(days, classes: ["s-positive", "s-neutral", "s-negative"], legend: ["positive", "neutral", "negative"], caption: "Conversations per day by sentiment, the 30 days up to the newest memory", axis: axis))
            <h2>Top topics</h2>
            \(overview.topTopics.isEmpty ? "<p class=\"muted\">No topics yet.</p>" : SVGChart.bars(overview.topTopics.map { (label: $0.topic, value: $0.count) }, caption: "Conversations per topic"))
            <div class="grid2">
            <div><h2>Quality</h2>\(histogram(overview.qualityHistogram, "Conversations by quality score"))</div>
            <div><h2>Engagement</h2>\(histogram(overview.engagementHistogram, "Conversations by engagement score"))</div>
            </div>
            </section>
            """
    }
}
