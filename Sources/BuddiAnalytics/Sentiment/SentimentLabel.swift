/// The polarity class of a compound sentiment score.
package enum SentimentLabel: String, Sendable, Codable, Equatable, CaseIterable {
    /// Compound score ≥ 0.05.
    case positive
    /// Compound score ≤ −0.05.
    case negative
    /// Compound score strictly between −0.05 and 0.05.
    case neutral

    /// The threshold of VADER's authors: a compound score at or beyond ±0.05 is polar.
    ///
    /// The proof of concept used ±0.1; we keep VADER's own ±0.05 because it is the value the
    /// authors recommend for the compound score and validated against their human ratings, so
    /// our labels agree with every published VADER evaluation.
    package static let threshold = 0.05

    /// The label of a compound score: positive if ≥ 0.05, negative if ≤ −0.05, else neutral.
    package init(compound: Double) {
        if compound >= Self.threshold {
            self = .positive
        } else if compound <= -Self.threshold {
            self = .negative
        } else {
            self = .neutral
        }
    }
}
