import Foundation
import Logging
import PostgresNIO

/// The mock æternity ledger in PostgreSQL: anchors and tokens are rows whose ids come from
/// identity columns (unique across all workers and restarts); `LedgerSealer` seals the anchors
/// into hash-chained blocks and `LedgerVerifier` checks them.
public struct PostgresLedger: Ledger {
    private let client: PostgresClient
    private let logger: Logger
    private let deployment = LedgerDeployment()

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func anchor(merkleRoot: String, manifest: String, policy: String, storageHint: String, on connection: PostgresConnection) async throws -> LedgerAnchor {
        guard let root = MerkleHash(hex: merkleRoot) else { throw LedgerError.invalidMerkleRoot(merkleRoot) }
        let contracts = try await deployment.contracts(on: connection, logger: logger)
        let rows = try await connection.query(
            LedgerSQL.insertAnchor(merkleRoot: root.hex, manifest: manifest, policy: policy, storageHint: storageHint),
            logger: logger)
        for try await (id, createdAt) in rows.decode((Int64, Date).self) {
            return LedgerAnchor(id: id, merkleRoot: root.hex, contractAddress: contracts.anchorRegistry, createdAt: createdAt)
        }
        preconditionFailure("INSERT … RETURNING returned no row")
    }

    public func mint(owner: String, anchorID: Int64, on connection: PostgresConnection) async throws -> LedgerToken {
        guard !owner.isEmpty else { throw LedgerError.emptyOwner }
        let contracts = try await deployment.contracts(on: connection, logger: logger)
        let rows = try await connection.query(LedgerSQL.insertToken(owner: owner, anchorID: anchorID), logger: logger)
        for try await id in rows.decode(Int64.self) {
            return LedgerToken(
                id: id, anchorID: anchorID, owner: owner,
                tokenURI: TokenURI.of(tokenID: id, anchorID: anchorID), contractAddress: contracts.accessNFT)
        }
        throw LedgerError.anchorNotFound(anchorID)
    }

    public func verifyAnchor(id: Int64, merkleRoot: String) async throws -> Bool {
        guard let root = MerkleHash(hex: merkleRoot) else { return false }
        let rows = try await client.query(LedgerSQL.anchorHolds(id: id, merkleRoot: root.hex), logger: logger)
        for try await holds in rows.decode(Bool.self) { return holds }
        return false
    }

    /// The contract addresses of this deployment.
    public func contracts() async throws -> LedgerContracts {
        try await client.withConnection { connection in
            try await deployment.contracts(on: connection, logger: logger)
        }
    }
}
