import BuddiAPI
import BuddiLedger
import Foundation
import Logging
import PostgresNIO

/// Reads and writes `conversations` (the SQL is in `ConversationSQL`).
struct ConversationStore: Sendable {
    let logger: Logger

    /// Stores the drafts not stored yet, complete with their anchors and tokens; returns how
    /// many it stored. Duplicates store nothing.
    func insert(_ drafts: [ConversationDraft], fetchJobID: Int64, contracts: LedgerContracts, on connection: PostgresConnection) async throws -> Int {
        try await insert(drafts, origin: .fetch(jobID: fetchJobID), contracts: contracts, on: connection).count
    }

    /// Stores the drafts not stored yet, complete with their anchors and tokens (and the trace
    /// each was drafted in); returns the Buddi ids it stored. Duplicates store nothing.
    func insert(
        _ drafts: [ConversationDraft], origin: ConversationOrigin, contracts: LedgerContracts, on connection: PostgresConnection
    ) async throws -> Set<String> {
        guard !drafts.isEmpty else { return [] }
        let statement = StoreConversations(
            query: ConversationSQL.insert(MemoryRows(drafts), origin: origin, owner: Pipeline.tokenOwner, contractAddress: contracts.anchorRegistry))
        var stored = Set<String>()
        for try await buddiID in try await connection.execute(statement, logger: logger) {
            stored.insert(buddiID)
        }
        return stored
    }

    /// Locks and reads a batch for processing.
    func lockForProcessing(_ ids: [Int64], on connection: PostgresConnection) async throws -> [StoredConversation] {
        try await conversations(ConversationSQL.lockForProcessing(ids: ids), on: connection)
    }

    /// Runs a query of `ConversationSQL.columns` rows.
    func conversations(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [StoredConversation] {
        var result: [StoredConversation] = []
        for try await row in try await connection.query(query, logger: logger) {
            result.append(try StoredConversation(row: row))
        }
        return result
    }

    /// Records a processed batch.
    func recordProcessed(_ rows: [ProcessedRow], on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query(ConversationSQL.recordProcessed(rows), logger: logger)
    }

    /// Records conversations that could not be processed, with the reason.
    func recordFailed(_ rows: [FailedRow], on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query(ConversationSQL.recordFailed(rows), logger: logger)
    }
}

/// What processing writes for one conversation.
struct ProcessedRow {
    let id: Int64
    let sentimentScore: Double
    let sentimentLabel: String
    let keywords: [String]
    let topics: [String]
    let qualityScore: Double
    let engagementScore: Double
    let merkleRoot: String
    let anchorID: Int64
    let tokenID: Int64
    let tokenURI: String
    let contractAddress: String
}

/// A conversation that could not be processed, and why.
struct FailedRow {
    let id: Int64
    let error: String
}
