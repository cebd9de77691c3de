extension LedgerBlock {
    /// The problems of the block's own hash and of its link to `previous`, the block one lower
    /// (nil for the first block).
    func chainProblems(after previous: LedgerBlock?) -> [LedgerProblem] {
        var problems = [LedgerProblem]()
        let expectedPrevious = previous?.hash ?? Self.genesisPreviousHash
        if previousHash != expectedPrevious {
            problems.append(.brokenLink(block: height, previousHash: previousHash, actual: expectedPrevious))
        }
        let recomputed = recomputedHash
        if hash != recomputed {
            problems.append(.blockHashMismatch(block: height, stored: hash, recomputed: recomputed))
        }
        return problems
    }

    /// The problem if the block's anchors root is not the root of `anchors`.
    func anchorsProblem(anchorsRoot recomputed: String, anchorCount: Int) -> LedgerProblem? {
        anchorsRoot == recomputed
            ? nil : .anchorsRootMismatch(block: height, stored: anchorsRoot, recomputed: recomputed, anchorCount: anchorCount)
    }
}
