extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// "3 s", "0.25 s": for messages.
    var secondsDescription: String {
        let milliseconds = (seconds * 1000).rounded()
        let whole = Int(milliseconds / 1000)
        let fraction = Int(milliseconds) % 1000
        guard fraction != 0 else { return "\(whole) s" }
        var decimals = String(1000 + fraction).dropFirst()
        while decimals.hasSuffix("0") { decimals = decimals.dropLast() }
        return "\(whole).\(decimals) s"
    }
}
