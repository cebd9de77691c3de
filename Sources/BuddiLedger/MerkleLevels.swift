/// A binary Merkle tree over leaf hashes, built level by level from the leaves up: neighbours
/// are paired left to right into a node; the last node of a level with an odd count is promoted
/// to the next level unchanged. The root of no leaves is `MerkleEncoding.emptyRoot`.
struct MerkleLevels: Sendable {
    /// `levels[0]` are the leaves, the last level holds the root alone.
    private let levels: [[MerkleHash]]

    init(leaves: [MerkleHash]) {
        var levels = [leaves]
        while let level = levels.last, level.count > 1 {
            var next = [MerkleHash]()
            next.reserveCapacity((level.count + 1) / 2)
            for start in stride(from: 0, to: level.count, by: 2) {
                next.append(start + 1 < level.count
                    ? MerkleEncoding.node(left: level[start], right: level[start + 1])
                    : level[start])
            }
            levels.append(next)
        }
        self.levels = levels
    }

    var root: MerkleHash {
        levels.last?.first ?? MerkleEncoding.emptyRoot
    }

    /// The siblings from the leaf at `index` up to the root.
    func path(forLeafAt index: Int) -> [MerkleStep] {
        var steps = [MerkleStep]()
        var index = index
        for level in levels.dropLast() {
            let sibling = index ^ 1
            if sibling < level.count {
                steps.append(MerkleStep(sibling: level[sibling], siblingIsLeft: sibling < index))
            }
            index /= 2
        }
        return steps
    }
}

/// One step of an inclusion proof: the sibling to combine with on the way up to the root.
package struct MerkleStep: Sendable, Codable, Equatable {
    /// The sibling's hash.
    package var sibling: MerkleHash
    /// Whether the sibling is the left child (the running hash is then the right one).
    package var siblingIsLeft: Bool

    package init(sibling: MerkleHash, siblingIsLeft: Bool) {
        self.sibling = sibling
        self.siblingIsLeft = siblingIsLeft
    }

    /// The root that `steps` lead to from `leaf`.
    static func root(from leaf: MerkleHash, following steps: [MerkleStep]) -> MerkleHash {
        steps.reduce(leaf) { running, step in
            step.siblingIsLeft
                ? MerkleEncoding.node(left: step.sibling, right: running)
                : MerkleEncoding.node(left: running, right: step.sibling)
        }
    }
}
