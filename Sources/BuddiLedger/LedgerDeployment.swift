import Foundation
import Logging
import PostgresNIO

/// The deployment's contract addresses, read from the database on first use and kept.
actor LedgerDeployment {
    private var known: LedgerContracts?

    func contracts(on connection: PostgresConnection, logger: Logger) async throws -> LedgerContracts {
        if let known { return known }
        for try await id in try await connection.query(LedgerSQL.deploymentID, logger: logger).decode(UUID.self) {
            let contracts = LedgerContracts(deploymentID: id)
            known = contracts
            return contracts
        }
        throw LedgerError.notDeployed
    }
}
