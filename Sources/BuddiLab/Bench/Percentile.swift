/// Percentiles of a sample (nearest rank).
enum Percentile {
    /// The value below which `fraction` of `values` lie; NaN for no values.
    static func of(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
    }
}
