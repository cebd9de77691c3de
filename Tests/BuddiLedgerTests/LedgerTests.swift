import BuddiLedger
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Ledger")
struct LedgerTests {
    @Test("anchor and token ids are unique under concurrent anchoring from many tasks")
    func uniqueIDsUnderConcurrency() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let ledger = fixture.ledger
        let client = fixture.db.client
        let logger = fixture.db.logger
        let pairs = try await withThrowingTaskGroup(of: [(LedgerAnchor, LedgerToken)].self) { group in
            for task in 0..<16 {
                group.addTask {
                    var pairs = [(LedgerAnchor, LedgerToken)]()
                    for index in 0..<25 {
                        pairs.append(try await client.withTransaction(logger: logger) { connection in
                            let anchor = try await ledger.anchor(
                                merkleRoot: try LedgerFixture.root(task * 100 + index), manifest: "{}", policy: "p",
                                storageHint: "h", on: connection)
                            let token = try await ledger.mint(owner: "ak_owner\(task)", anchorID: anchor.id, on: connection)
                            return (anchor, token)
                        })
                    }
                    return pairs
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(pairs.count == 400)
        #expect(Set(pairs.map(\.0.id)).count == 400)
        #expect(Set(pairs.map(\.1.id)).count == 400)
        #expect(pairs.allSatisfy { $0.1.anchorID == $0.0.id })
        #expect(try await fixture.db.scalar("SELECT count(*) FROM ledger_anchors", as: Int64.self) == 400)
        #expect(try await fixture.db.scalar("SELECT count(*) FROM ledger_tokens", as: Int64.self) == 400)
    }

    @Test("an anchor made in a rolled-back transaction does not exist")
    func rolledBack() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let ledger = fixture.ledger
        struct Rollback: Error {}
        let root = try LedgerFixture.root(1)
        await #expect(throws: (any Error).self) {
            try await fixture.db.client.withTransaction(logger: fixture.db.logger) { connection in
                let anchor = try await ledger.anchor(merkleRoot: root, manifest: "{}", policy: "p", storageHint: "h", on: connection)
                _ = try await ledger.mint(owner: "ak_owner", anchorID: anchor.id, on: connection)
                throw Rollback()
            }
        }
        #expect(try await fixture.db.scalar("SELECT count(*) FROM ledger_anchors", as: Int64.self) == 0)
        #expect(try await fixture.db.scalar("SELECT count(*) FROM ledger_tokens", as: Int64.self) == 0)
        #expect(try await fixture.sealer.sealPending() == 0)
    }

    @Test("anchors carry the deployment's AnchorRegistry address, tokens its AccessNFT address and a URI")
    func addressesAndURI() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let anchor = try #require(try await fixture.anchor(1).first)
        let ledger = fixture.ledger
        let token = try await fixture.db.client.withConnection { connection in
            try await ledger.mint(owner: "ak_owner", anchorID: anchor.id, on: connection)
        }
        let contracts = try await PostgresLedger(client: fixture.db.client, logger: fixture.db.logger).contracts()
        #expect(anchor.contractAddress == contracts.anchorRegistry)
        #expect(token.contractAddress == contracts.accessNFT)
        #expect(contracts.anchorRegistry.hasPrefix("ct_") && contracts.accessNFT.hasPrefix("ct_"))
        #expect(contracts.anchorRegistry != contracts.accessNFT)
        #expect(token.tokenURI == "buddi://anchors/\(anchor.id)/tokens/\(token.id)")
        #expect(token.owner == "ak_owner" && token.anchorID == anchor.id)

        // Another deployment has other addresses.
        let other = try await LedgerFixture.make()
        defer { Task { await other.db.drop() } }
        #expect(try await other.ledger.contracts() != contracts)
    }

    @Test("a contract address is Base58Check of 32 bytes, as æternity writes it")
    func addressFormat() throws {
        let contracts = LedgerContracts(deploymentID: try #require(UUID(uuidString: "00000000-0000-0000-0000-000000000001")))
        let alphabet = Set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        let body = contracts.anchorRegistry.dropFirst(3)
        #expect(body.allSatisfy(alphabet.contains))
        #expect((49...51).contains(body.count))
    }

    @Test("a batch is anchored and minted in one statement each, in the order given")
    func batches() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let ledger = fixture.ledger
        let requests = try (0..<50).map {
            AnchorRequest(merkleRoot: try LedgerFixture.root($0).uppercased(), manifest: "m\($0)", policy: "p", storageHint: "h\($0)")
        }
        let (anchors, tokens) = try await fixture.db.client.withTransaction(logger: fixture.db.logger) { connection in
            let anchors = try await ledger.anchor(requests, on: connection)
            let tokens = try await ledger.mint(anchors.map { MintRequest(owner: "ak_\($0.id)", anchorID: $0.id) }, on: connection)
            return (anchors, tokens)
        }
        #expect(anchors.map(\.merkleRoot) == requests.map { $0.merkleRoot.lowercased() })
        #expect(anchors.map(\.id) == anchors.map(\.id).sorted() && Set(anchors.map(\.id)).count == 50)
        #expect(tokens.map(\.anchorID) == anchors.map(\.id))
        #expect(tokens.map(\.owner) == anchors.map { "ak_\($0.id)" })
        for anchor in anchors {
            #expect(try await fixture.ledger.verifyAnchor(id: anchor.id, merkleRoot: anchor.merkleRoot))
        }
        try await fixture.db.client.withConnection { connection in
            await #expect(throws: LedgerError.anchorNotFound(4242)) {
                try await ledger.mint([MintRequest(owner: "ak_a", anchorID: anchors[0].id), MintRequest(owner: "ak_b", anchorID: 4242)], on: connection)
            }
        }
    }

    @Test("verifyAnchor answers whether the anchor holds the root")
    func verifyAnchorBool() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let anchor = try #require(try await fixture.anchor(1).first)
        #expect(try await fixture.ledger.verifyAnchor(id: anchor.id, merkleRoot: anchor.merkleRoot))
        #expect(try await !fixture.ledger.verifyAnchor(id: anchor.id, merkleRoot: try LedgerFixture.root(2)))
        #expect(try await !fixture.ledger.verifyAnchor(id: anchor.id + 1, merkleRoot: anchor.merkleRoot))
    }

    @Test("a malformed root, a token for a missing anchor and an empty owner are refused with clear errors")
    func refusals() async throws {
        let fixture = try await LedgerFixture.make()
        defer { Task { await fixture.db.drop() } }
        let ledger = fixture.ledger
        try await fixture.db.client.withConnection { connection in
            await #expect(throws: LedgerError.invalidMerkleRoot("abc")) {
                try await ledger.anchor(merkleRoot: "abc", manifest: "", policy: "", storageHint: "", on: connection)
            }
            await #expect(throws: LedgerError.anchorNotFound(42)) {
                try await ledger.mint(owner: "ak_owner", anchorID: 42, on: connection)
            }
            await #expect(throws: LedgerError.emptyOwner) {
                try await ledger.mint(owner: "", anchorID: 42, on: connection)
            }
        }
        #expect(LedgerError.anchorNotFound(42).description == "cannot mint a token for anchor 42: there is no such anchor")
    }
}
