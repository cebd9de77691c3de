import BuddiLedger
import BuddiTestSupport
import DatabaseTestSupport
import PostgresNIO
import Testing

/// Rows changed with SQL behind the ledger's back are found and named.
@Suite("Tampering")
struct TamperTests {
    /// Three blocks (heights 0, 1, 2) of three anchors each.
    private func sealedChain() async throws -> (LedgerFixture, [LedgerAnchor]) {
        let fixture = try await LedgerFixture.make()
        var anchors = [LedgerAnchor]()
        for block in 0..<3 {
            anchors += try await fixture.anchor(3, seed: block * 3)
            try await fixture.sealer.sealPending()
        }
        #expect(try await fixture.verifier.verifyChain() == [])
        return (fixture, anchors)
    }

    @Test("the database itself refuses an anchor root that is not 64 lower-case hex digits, by its check constraint", arguments: [
        String(repeating: "a", count: 63), String(repeating: "a", count: 65), String(repeating: "A", count: 64),
        String(repeating: "a", count: 63) + "g", String(repeating: "a", count: 63) + "\n", String(repeating: "é", count: 64), "",
    ])
    func rootRefusedByTheDatabase(_ root: String) async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let error = await #expect(throws: PSQLError.self) {
            try await fixture.db.client.query(
                "INSERT INTO ledger_anchors (merkle_root, manifest, policy, storage_hint) VALUES (\(root), '{}', 'p', 's')", logger: fixture.db.logger)
        }
        #expect(error?.serverInfo?[.sqlState] == "23514", "\(String(reflecting: error))")
        #expect(error?.serverInfo?[.constraintName] == "ledger_anchors_merkle_root_check")
        try await fixture.db.execute("INSERT INTO ledger_anchors (merkle_root, manifest, policy, storage_hint) VALUES (\(try LedgerFixture.root(1)), '{}', 'p', 's')")
    }

    @Test("a changed anchor root is named by the anchor's check and by the chain's check")
    func anchorRoot() async throws {
        let (fixture, anchors) = try await sealedChain()
        defer { Task { await fixture.db.drop() } }
        let victim = anchors[4]
        let forged = try LedgerFixture.root(99)
        try await fixture.db.execute("UPDATE ledger_anchors SET merkle_root = \(forged) WHERE id = \(victim.id)")

        let problems = try await fixture.verifier.verifyAnchor(id: victim.id, expectedRoot: victim.merkleRoot)
        #expect(problems.map(\.kind) == [.merkleRootMismatch, .notIncludedInBlock])
        #expect(problems.allSatisfy { $0.subject == .anchor(victim.id) })
        #expect(problems[0].message.contains(forged) && problems[0].message.contains(victim.merkleRoot))
        #expect(problems[1].message.hasPrefix("anchor \(victim.id) is not included in block 1"))

        // Even when the expected root is the forged one, the block gives it away.
        let forgedExpectation = try await fixture.verifier.verifyAnchor(id: victim.id, expectedRoot: forged)
        #expect(forgedExpectation.map(\.kind) == [.notIncludedInBlock])

        let chain = try await fixture.verifier.verifyChain()
        #expect(chain.map(\.kind) == [.anchorsRootMismatch])
        #expect(chain.first?.subject == .block(1))
        #expect(chain.first?.message.hasPrefix("block 1 holds anchors root") == true)
    }

    @Test("a changed anchor manifest is named by the chain's check")
    func anchorManifest() async throws {
        let (fixture, anchors) = try await sealedChain()
        defer { Task { await fixture.db.drop() } }
        try await fixture.db.execute("UPDATE ledger_anchors SET manifest = '{}' WHERE id = \(anchors[0].id)")
        #expect(try await fixture.verifier.verifyChain().map(\.subject) == [.block(0)])
        #expect(try await fixture.verifier.verifyAnchor(id: anchors[0].id, expectedRoot: anchors[0].merkleRoot).map(\.kind) == [.notIncludedInBlock])
    }

    @Test("an anchor taken out of its block (its range cut short) is named")
    func anchorUnsealed() async throws {
        let (fixture, anchors) = try await sealedChain()
        defer { Task { await fixture.db.drop() } }
        try await fixture.db.execute("UPDATE ledger_blocks SET last_anchor_id = \(anchors[8].id - 1) WHERE last_anchor_id = \(anchors[8].id)")
        #expect(try await fixture.verifier.blockHeight(ofAnchor: anchors[8].id) == nil)
        #expect(try await fixture.verifier.verifyChain().map(\.subject) == [.block(2)])
    }

    @Test("a changed block hash is named, and so is the broken link of the next block")
    func blockHash() async throws {
        let (fixture, anchors) = try await sealedChain()
        defer { Task { await fixture.db.drop() } }
        let forged = try LedgerFixture.root(99)
        try await fixture.db.execute("UPDATE ledger_blocks SET hash = \(forged) WHERE height = 1")

        let chain = try await fixture.verifier.verifyChain()
        #expect(chain.map(\.kind) == [.blockHashMismatch, .brokenLink])
        #expect(chain.map(\.subject) == [.block(1), .block(2)])
        #expect(chain[0].message.hasPrefix("block 1 holds hash \(forged), but its contents hash to "))
        #expect(chain[1].message.hasSuffix("but block 1 has hash \(forged)"))

        let problems = try await fixture.verifier.verifyAnchor(id: anchors[3].id, expectedRoot: anchors[3].merkleRoot)
        #expect(problems.map(\.kind) == [.blockHashMismatch])
    }

    @Test("a changed anchors root is named as not recomputing and as breaking the block's hash")
    func anchorsRoot() async throws {
        let (fixture, anchors) = try await sealedChain()
        defer { Task { await fixture.db.drop() } }
        try await fixture.db.execute("UPDATE ledger_blocks SET anchors_root = \(try LedgerFixture.root(99)) WHERE height = 2")
        let chain = try await fixture.verifier.verifyChain()
        #expect(Set(chain.map(\.kind)) == [.blockHashMismatch, .anchorsRootMismatch])
        #expect(chain.allSatisfy { $0.subject == .block(2) })
        let problems = try await fixture.verifier.verifyAnchor(id: anchors[7].id, expectedRoot: anchors[7].merkleRoot)
        #expect(problems.map(\.kind) == [.notIncludedInBlock, .blockHashMismatch])
    }

    @Test("a deleted block is named as missing")
    func deletedBlock() async throws {
        let (fixture, _) = try await sealedChain()
        defer { Task { await fixture.db.drop() } }
        try await fixture.db.execute("DELETE FROM ledger_blocks WHERE height = 1")
        let chain = try await fixture.verifier.verifyChain()
        #expect(chain.map(\.kind) == [.blockMissing])
        #expect(chain.first?.message == "block 1 is missing from the chain")
    }
}
