import PostgresResilience
import Logging
import PostgresNIO

/// Checks the ledger against itself: anchors against the roots expected of them, anchors against
/// their blocks, blocks against their contents and the blocks before them. Any anchor or block
/// changed in the database (with SQL, behind buddi's back) is a problem naming it.
package struct LedgerVerifier: Sendable {
    private let client: DatabaseClient
    private let logger: Logger

    package init(client: DatabaseClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Checks that the anchor `id` exists and holds `expectedRoot`; if it is sealed, that a
    /// Merkle proof of its inclusion leads to its block's anchors root, that the block's hash
    /// recomputes and that the block links to the one before it. No problems: it holds.
    package func verifyAnchor(id: Int64, expectedRoot: String) async throws -> [LedgerProblem] {
        try await client.withConnection { connection in
            guard let anchor = try await connection.query(LedgerSQL.anchors(ids: [id]), logger: logger).anchorRecords().first else {
                return [.anchorMissing(id)]
            }
            var problems = [LedgerProblem]()
            if anchor.merkleRoot != expectedRoot.lowercased() {
                problems.append(.merkleRootMismatch(anchor: id, stored: anchor.merkleRoot, expected: expectedRoot))
            }
            guard let height = anchor.blockHeight else { return problems }
            let blocks = try await connection.query(LedgerSQL.blocks(atHeights: [height - 1, height]), logger: logger).ledgerBlocks()
            let neighbours = try await connection.query(LedgerSQL.anchors(inBlock: height), logger: logger).anchorRecords()
            guard let block = blocks.first(where: { $0.height == height }) else { return problems + [.blocksMissing(height...height)] }
            problems += inclusionProblems(of: anchor, in: block, among: neighbours)
            let previous = blocks.first { $0.height == height - 1 }
            if height > 0 && previous == nil {
                problems.append(.blocksMissing((height - 1)...(height - 1)))
            } else {
                problems += block.chainProblems(after: previous)
            }
            return problems
        }
    }

    /// The height of the block that seals anchor `id`; nil while it is not sealed, or if it does
    /// not exist.
    package func blockHeight(ofAnchor id: Int64) async throws -> Int64? {
        for try await height in try await client.query(LedgerSQL.blockHeight(ofAnchor: id), logger: logger).decode(Int64?.self) {
            return height
        }
        return nil
    }

    /// How many anchors wait to be sealed.
    package func unsealedCount() async throws -> Int {
        for try await count in try await client.query(LedgerSQL.unsealedCount, logger: logger).decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Checks many anchors' roots in one query: each must exist and hold its expected root. With
    /// `verifyChain()`, which recomputes every block from the anchors sealed in it, this covers
    /// what `verifyAnchor` checks one by one, in time linear in the number of anchors.
    package func verifyAnchorRoots(_ expected: [Int64: String]) async throws -> [LedgerProblem] {
        guard !expected.isEmpty else { return [] }
        let anchors = try await client.withConnection { connection in
            try await connection.query(LedgerSQL.anchors(ids: Array(expected.keys)), logger: logger).anchorRecords()
        }
        let stored = Dictionary(uniqueKeysWithValues: anchors.map { ($0.id, $0.merkleRoot) })
        return expected.keys.sorted().compactMap { id in
            guard let root = stored[id] else { return .anchorMissing(id) }
            let wanted = expected[id]!.lowercased()
            return root == wanted ? nil : .merkleRootMismatch(anchor: id, stored: root, expected: wanted)
        }
    }

    /// Checks every block: heights follow each other from 0, each block's hash recomputes from
    /// its contents and names the previous block's hash, and each block's anchors root
    /// recomputes from the anchors sealed in it. No problems: the chain holds.
    package func verifyChain() async throws -> [LedgerProblem] {
        try await client.withConnection { connection in
            let blocks = try await connection.query(LedgerSQL.blocks, logger: logger).ledgerBlocks()
            let anchorsRoots = try await recomputedAnchorsRoots(on: connection)
            var problems = [LedgerProblem]()
            var previous: LedgerBlock?
            for block in blocks {
                let expectedHeight = (previous?.height ?? -1) + 1
                if block.height > expectedHeight {
                    problems.append(.blocksMissing(expectedHeight...(block.height - 1)))
                } else {
                    problems += block.chainProblems(after: previous)
                }
                let anchors = anchorsRoots[block.height] ?? (MerkleEncoding.emptyRoot.hex, 0)
                if let problem = block.anchorsProblem(anchorsRoot: anchors.root, anchorCount: anchors.count) {
                    problems.append(problem)
                }
                previous = block
            }
            return problems
        }
    }

    /// The problems of a sealed anchor's inclusion proof, built from the anchors sealed in its
    /// block, against the block's stored anchors root.
    private func inclusionProblems(of anchor: AnchorRecord, in block: LedgerBlock, among anchors: [AnchorRecord]) -> [LedgerProblem] {
        guard let index = anchors.firstIndex(where: { $0.id == anchor.id }) else { return [] }
        let path = AnchorRecord.anchorsTree(anchors).path(forLeafAt: index)
        let proven = MerkleStep.root(from: anchor.leafHash, following: path).hex
        return proven == block.anchorsRoot
            ? [] : [.notIncluded(anchor: anchor.id, block: block.height, provenRoot: proven, storedRoot: block.anchorsRoot)]
    }

    /// For each block height that has sealed anchors: the root of their leaves and their count,
    /// streamed block by block.
    private func recomputedAnchorsRoots(on connection: PostgresConnection) async throws -> [Int64: (root: String, count: Int)] {
        var roots = [Int64: (root: String, count: Int)]()
        var current: (height: Int64, leaves: [MerkleHash])?
        func finish() {
            if let current { roots[current.height] = (MerkleLevels(leaves: current.leaves).root.hex, current.leaves.count) }
        }
        try await connection.query(LedgerSQL.sealedAnchors, logger: logger).forEachAnchorRecord { anchor in
            guard let height = anchor.blockHeight else { return }
            if current?.height != height {
                finish()
                current = (height, [])
            }
            current?.leaves.append(anchor.leafHash)
        }
        finish()
        return roots
    }
}
