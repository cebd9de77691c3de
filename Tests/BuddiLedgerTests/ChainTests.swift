import BuddiLedger
import BuddiTestSupport
import DatabaseTestSupport
import PostgresNIO
import Testing

@Suite("Block chain")
struct ChainTests {
    @Test("sealing puts pending anchors into blocks that chain by hash from height 0")
    func sealingFormsAChain() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        #expect(try await fixture.sealer.sealPending() == 0)
        _ = try await fixture.anchor(5)
        #expect(try await fixture.sealer.sealPending() == 5)
        _ = try await fixture.anchor(3, seed: 5)
        #expect(try await fixture.sealer.sealPending() == 3)
        #expect(try await fixture.sealer.sealPending() == 0)

        let db = fixture.db
        #expect(try await db.scalar("SELECT count(*) FROM ledger_blocks", as: Int64.self) == 2)
        #expect(try await db.scalar("SELECT previous_hash FROM ledger_blocks WHERE height = 0", as: String.self) == String(repeating: "0", count: 64))
        #expect(try await db.scalar(
            "SELECT b1.previous_hash = b0.hash FROM ledger_blocks b0, ledger_blocks b1 WHERE b0.height = 0 AND b1.height = 1", as: Bool.self) == true)
        #expect(try await db.scalar("""
            SELECT count(*) FROM ledger_anchors a JOIN ledger_blocks b ON a.id BETWEEN b.first_anchor_id AND b.last_anchor_id
            WHERE b.height = 1
            """, as: Int64.self) == 3)
        // Sealing writes blocks only: every anchor row is as it was written.
        #expect(try await db.scalar("SELECT count(*) FROM ledger_anchors WHERE block_height IS NOT NULL OR xmax <> 0", as: Int64.self) == 0)
        #expect(try await fixture.verifier.verifyChain() == [])
    }

    @Test("a backlog larger than a block is sealed into several blocks")
    func largeBacklog() async throws {
        let fixture = try await LedgerFixture.make(maxAnchorsPerBlock: 4)
        defer { Task { await fixture.db.drop() } }
        let anchors = try await fixture.anchor(10)
        #expect(try await fixture.sealer.sealPending() == 10)
        #expect(try await fixture.db.scalar("SELECT count(*) FROM ledger_blocks", as: Int64.self) == 3)
        #expect(try await fixture.verifier.verifyChain() == [])
        for anchor in anchors {
            #expect(try await fixture.verifier.verifyAnchor(id: anchor.id, expectedRoot: anchor.merkleRoot) == [])
        }
    }

    @Test("several sealers running while many tasks anchor seal every anchor exactly once in one valid chain")
    func concurrentSealers() async throws {
        let fixture = try await LedgerFixture.make(maxAnchorsPerBlock: 7)
        defer { Task { await fixture.db.drop() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for round in 0..<10 { _ = try await fixture.anchor(3, seed: task * 1000 + round * 10) }
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    for _ in 0..<10 { try await fixture.sealer.sealPending() }
                }
            }
            try await group.waitForAll()
        }
        try await fixture.sealer.sealPending()
        let db = fixture.db
        #expect(try await fixture.verifier.unsealedCount() == 0)
        #expect(try await db.scalar("""
            SELECT count(*) FROM ledger_anchors a
            WHERE (SELECT count(*) FROM ledger_blocks b WHERE a.id BETWEEN b.first_anchor_id AND b.last_anchor_id) <> 1
            """, as: Int64.self) == 0, "every anchor is in exactly one block")
        #expect(try await db.scalar("SELECT count(*) FROM ledger_anchors", as: Int64.self) == 120)
        #expect(try await db.scalar("SELECT max(height) + 1 = count(*) FROM ledger_blocks", as: Bool.self) == true)
        #expect(try await fixture.verifier.verifyChain() == [])
    }

    @Test("the sealer service seals on its own until it is cancelled")
    func service() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let sealer = LedgerSealer(client: fixture.db.client, logger: fixture.db.logger, interval: .milliseconds(50))
        let running = Task { await sealer.run() }
        _ = try await fixture.anchor(4)
        let sealed = try await eventually(timeout: .seconds(10)) {
            try await fixture.verifier.unsealedCount() == 0
        }
        #expect(sealed)
        running.cancel()
        await running.value
    }

    @Test("a verified anchor, sealed or not, has no problems; a wrong root or a missing anchor is named")
    func verifyAnchor() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let anchors = try await fixture.anchor(3)
        #expect(try await fixture.verifier.verifyAnchor(id: anchors[0].id, expectedRoot: anchors[0].merkleRoot) == [])
        try await fixture.sealer.sealPending()
        for anchor in anchors {
            #expect(try await fixture.verifier.verifyAnchor(id: anchor.id, expectedRoot: anchor.merkleRoot) == [])
        }
        let wrong = try await fixture.verifier.verifyAnchor(id: anchors[1].id, expectedRoot: anchors[0].merkleRoot)
        #expect(wrong.map(\.kind) == [.merkleRootMismatch])
        #expect(wrong.first?.message == "anchor \(anchors[1].id) holds Merkle root \(anchors[1].merkleRoot), expected \(anchors[0].merkleRoot)")
        let missing = try await fixture.verifier.verifyAnchor(id: 999, expectedRoot: anchors[0].merkleRoot)
        #expect(missing.map(\.message) == ["anchor 999 does not exist"])
    }
}
