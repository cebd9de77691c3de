/// The sentiment of one text.
public struct SentimentScore: Sendable, Equatable {
    /// VADER's normalized compound score, in [-1, 1].
    public var compound: Double
    /// The label of ``compound``.
    public var label: SentimentLabel

    /// Creates a score; the label follows from the compound score.
    public init(compound: Double) {
        self.compound = compound
        self.label = SentimentLabel(compound: compound)
    }
}
