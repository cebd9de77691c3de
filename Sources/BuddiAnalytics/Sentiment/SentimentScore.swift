/// The sentiment of one text.
package struct SentimentScore: Sendable, Equatable, CustomStringConvertible {
    /// VADER's normalized compound score, in [-1, 1].
    package var compound: Double
    /// The label of ``compound``.
    package var label: SentimentLabel

    /// Creates a score; the label follows from the compound score.
    package init(compound: Double) {
        self.compound = compound
        self.label = SentimentLabel(compound: compound)
    }

    /// The line `buddi analyze` prints: the compound score with four decimals (rounded half away
    /// from zero, never "-0.0000"), a space and the label, e.g. `0.6696 positive`.
    package var description: String {
        let tenThousandths = Int((compound * 10_000).rounded())
        let magnitude = tenThousandths.magnitude
        let fraction = String(magnitude % 10_000)
        let sign = tenThousandths < 0 ? "-" : ""
        return "\(sign)\(magnitude / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction) \(label.rawValue)"
    }
}
