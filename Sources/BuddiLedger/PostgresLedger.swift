import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// The mock æternity ledger in PostgreSQL: anchors and tokens are rows whose ids come from
/// identity columns (unique across all workers and restarts); `LedgerSealer` seals the anchors
/// into hash-chained blocks and `LedgerVerifier` checks them. A single anchor or token is a
/// batch of one; a batch is one statement.
package struct PostgresLedger: Ledger {
    private let client: DatabaseClient
    private let logger: Logger
    private let deployment = LedgerDeployment()

    package init(client: DatabaseClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    package func anchor(merkleRoot: String, manifest: String, policy: String, storageHint: String, on connection: PostgresConnection) async throws -> LedgerAnchor {
        let request = AnchorRequest(merkleRoot: merkleRoot, manifest: manifest, policy: policy, storageHint: storageHint)
        return try await anchor([request], on: connection)[0]
    }

    package func mint(owner: String, anchorID: Int64, on connection: PostgresConnection) async throws -> LedgerToken {
        try await mint([MintRequest(owner: owner, anchorID: anchorID)], on: connection)[0]
    }

    /// Roots are stored in lowercase.
    package func anchor(_ requests: [AnchorRequest], on connection: PostgresConnection) async throws -> [LedgerAnchor] {
        let roots = try requests.map { request in
            guard let root = MerkleHash(hex: request.merkleRoot) else { throw LedgerError.invalidMerkleRoot(request.merkleRoot) }
            return root.hex
        }
        guard !requests.isEmpty else { return [] }
        let contracts = try await deployment.contracts(on: connection, logger: logger)
        let query = LedgerSQL.insertAnchors(
            merkleRoots: roots, manifests: requests.map(\.manifest), policies: requests.map(\.policy),
            storageHints: requests.map(\.storageHint))
        var inserted = [(id: Int64, createdAt: Date)]()
        for try await row in try await connection.query(query, logger: logger).decode((Int64, Date).self) {
            inserted.append(row)
        }
        return zip(inserted.sorted { $0.id < $1.id }, roots).map { row, root in
            LedgerAnchor(id: row.id, merkleRoot: root, contractAddress: contracts.anchorRegistry, createdAt: row.createdAt)
        }
    }

    /// If an anchor does not exist, throws `LedgerError.anchorNotFound` naming it; the tokens of
    /// the other requests are then minted on the connection, so roll its transaction back.
    package func mint(_ requests: [MintRequest], on connection: PostgresConnection) async throws -> [LedgerToken] {
        guard !requests.contains(where: { $0.owner.isEmpty }) else { throw LedgerError.emptyOwner }
        guard !requests.isEmpty else { return [] }
        let contracts = try await deployment.contracts(on: connection, logger: logger)
        let query = LedgerSQL.insertTokens(owners: requests.map(\.owner), anchorIDs: requests.map(\.anchorID))
        var inserted = [(id: Int64, anchorID: Int64)]()
        for try await row in try await connection.query(query, logger: logger).decode((Int64, Int64).self) {
            inserted.append(row)
        }
        let found = Set(inserted.map(\.anchorID))
        if let missing = requests.first(where: { !found.contains($0.anchorID) }) {
            throw LedgerError.anchorNotFound(missing.anchorID)
        }
        return zip(inserted.sorted { $0.id < $1.id }, requests).map { row, request in
            LedgerToken(
                id: row.id, anchorID: request.anchorID, owner: request.owner,
                tokenURI: TokenURI.of(tokenID: row.id, anchorID: request.anchorID), contractAddress: contracts.accessNFT)
        }
    }

    package func verifyAnchor(id: Int64, merkleRoot: String) async throws -> Bool {
        guard let root = MerkleHash(hex: merkleRoot) else { return false }
        let rows = try await client.query(LedgerSQL.anchorHolds(id: id, merkleRoot: root.hex), logger: logger)
        for try await holds in rows.decode(Bool.self) { return holds }
        return false
    }

    /// The contract addresses of this deployment.
    package func contracts() async throws -> LedgerContracts {
        try await client.withConnection { try await contracts(on: $0) }
    }

    /// The contract addresses of this deployment, read on `connection` the first time only.
    package func contracts(on connection: PostgresConnection) async throws -> LedgerContracts {
        try await deployment.contracts(on: connection, logger: logger)
    }
}
