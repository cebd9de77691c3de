/// Something the verifier found wrong in the ledger, naming the anchor or block and what differs.
package struct LedgerProblem: Sendable, Equatable, CustomStringConvertible {
    /// What the problem is about.
    package enum Subject: Sendable, Hashable {
        case anchor(Int64)
        case block(Int64)
    }

    /// What is wrong.
    package enum Kind: Sendable, Hashable {
        /// There is no anchor with the id.
        case anchorMissing
        /// The anchor holds another Merkle root than expected.
        case merkleRootMismatch
        /// The anchor's inclusion proof does not lead to its block's anchors root.
        case notIncludedInBlock
        /// The block's anchors root does not recompute from its anchors.
        case anchorsRootMismatch
        /// The block's hash does not recompute from its contents.
        case blockHashMismatch
        /// The block's previous hash is not the previous block's hash.
        case brokenLink
        /// A height below the chain head has no block.
        case blockMissing
    }

    package let subject: Subject
    package let kind: Kind
    /// A sentence a person understands.
    package let message: String

    package var description: String { message }

    /// The anchor the problem is about, if it is about an anchor.
    package var anchorID: Int64? {
        if case .anchor(let id) = subject { return id }
        return nil
    }

    static func anchorMissing(_ id: Int64) -> LedgerProblem {
        LedgerProblem(subject: .anchor(id), kind: .anchorMissing, message: "anchor \(id) does not exist")
    }

    static func merkleRootMismatch(anchor id: Int64, stored: String, expected: String) -> LedgerProblem {
        LedgerProblem(subject: .anchor(id), kind: .merkleRootMismatch,
                      message: "anchor \(id) holds Merkle root \(stored), expected \(expected)")
    }

    static func notIncluded(anchor id: Int64, block height: Int64, provenRoot: String, storedRoot: String) -> LedgerProblem {
        LedgerProblem(subject: .anchor(id), kind: .notIncludedInBlock,
                      message: "anchor \(id) is not included in block \(height): its inclusion proof leads to anchors root \(provenRoot), "
                          + "but the block holds \(storedRoot) (the anchor, another anchor of the block or the block was changed)")
    }

    static func anchorsRootMismatch(block height: Int64, stored: String, recomputed: String, anchorCount: Int) -> LedgerProblem {
        LedgerProblem(subject: .block(height), kind: .anchorsRootMismatch,
                      message: "block \(height) holds anchors root \(stored), but its \(anchorCount) anchors give \(recomputed) "
                          + "(an anchor of the block or the block's anchors root was changed)")
    }

    static func blockHashMismatch(block height: Int64, stored: String, recomputed: String) -> LedgerProblem {
        LedgerProblem(subject: .block(height), kind: .blockHashMismatch,
                      message: "block \(height) holds hash \(stored), but its contents hash to \(recomputed)")
    }

    static func brokenLink(block height: Int64, previousHash: String, actual: String) -> LedgerProblem {
        let previous = height == 0 ? "the first block's previous hash is" : "block \(height - 1) has hash"
        return LedgerProblem(subject: .block(height), kind: .brokenLink,
                             message: "block \(height) names previous hash \(previousHash), but \(previous) \(actual)")
    }

    static func blocksMissing(_ heights: ClosedRange<Int64>) -> LedgerProblem {
        let which = heights.count == 1 ? "block \(heights.lowerBound) is" : "blocks \(heights.lowerBound) to \(heights.upperBound) are"
        return LedgerProblem(subject: .block(heights.lowerBound), kind: .blockMissing, message: "\(which) missing from the chain")
    }
}
