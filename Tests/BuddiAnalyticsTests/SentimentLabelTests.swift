import Testing

@testable import BuddiAnalytics

@Suite("Labels and the `buddi analyze` line")
struct SentimentLabelTests {
    @Test(
        "VADER's thresholds: positive from 0.05, negative from -0.05, neutral between",
        arguments: [
            (0.05, SentimentLabel.positive), (0.0499, .neutral), (0, .neutral), (-0.0499, .neutral),
            (-0.05, .negative), (1, .positive), (-1, .negative),
        ])
    func thresholds(compound: Double, label: SentimentLabel) {
        #expect(SentimentLabel(compound: compound) == label)
        #expect(SentimentScore(compound: compound).label == label)
    }

    @Test(
        "the line is the score with four decimals, a space and the label",
        arguments: [
            (0.66962, "0.6696 positive"), (-0.47674, "-0.4767 negative"), (0, "0.0000 neutral"),
            (-0.00001, "0.0000 neutral"), (1, "1.0000 positive"), (-1, "-1.0000 negative"),
            (0.05, "0.0500 positive"), (-0.04999, "-0.0500 neutral"), (0.00049, "0.0005 neutral"),
        ])
    func line(compound: Double, expected: String) {
        #expect(SentimentScore(compound: compound).description == expected)
    }

    @Test("the issue's example prints a positive, a negative and a neutral line")
    func mustShow() {
        let lines = ["I love this!", "This is terrible.", "The meeting is at 3pm."].map {
            SentimentAnalyzer.shared.score($0).description
        }
        #expect(lines == ["0.6696 positive", "-0.4767 negative", "0.0000 neutral"])
    }
}
