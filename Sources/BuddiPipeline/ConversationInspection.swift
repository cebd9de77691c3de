import PostgresResilience
import BuddiLedger
import Foundation
import Logging
import PostgresNIO

/// A stored conversation as an operator inspects it: its transcript, and its ledger record
/// verified live — the Merkle proof of each covered field against the stored root, and the
/// anchor checked in its block (what `buddi verify` checks, for one conversation, with the
/// proofs shown).
package struct ConversationInspection: Sendable {
    /// A transcript line.
    package struct Line: Sendable, Equatable {
        package var speaker: String?
        package var text: String
        package var start: Double?
    }

    /// One covered field's proof and whether it leads to the stored root.
    package struct FieldProof: Sendable {
        package var proof: MerkleProof
        package var verified: Bool
    }

    package var buddiID: String
    package var transcript: [Line]
    /// The stored root, anchor, token and the block the anchor was sealed in (nil until sealed).
    package var merkleRoot: String?
    package var anchorID: Int64?
    package var tokenID: Int64?
    package var blockHeight: Int64?
    /// Empty for an unprocessed conversation.
    package var proofs: [FieldProof]
    /// What verification found wrong; empty when verified.
    package var problems: [String]
    /// Whether everything checked holds.
    package var verified: Bool { problems.isEmpty && !proofs.isEmpty && proofs.allSatisfy(\.verified) }

    /// Inspects the conversation with this Buddi id; nil when none is stored.
    package static func read(buddiID: String, client: DatabaseClient, logger: Logger) async throws -> ConversationInspection? {
        let store = ConversationStore(logger: logger)
        let found = try await client.withConnection { try await store.conversations(ConversationSQL.byBuddiID(buddiID), on: $0) }
        guard let conversation = found.first else { return nil }
        var proofs: [FieldProof] = []
        if let analytics = conversation.analytics, let root = conversation.merkleRoot {
            let tree = MerkleTree(fields: try conversation.fingerprint.fields(of: conversation.fingerprinted, analytics: analytics))
            proofs = try tree.fields.fields.map { field in
                let proof = try tree.proof(forField: field.name)
                return FieldProof(proof: proof, verified: proof.verify(root: root))
            }
        }
        var height: Int64?
        if let anchorID = conversation.anchorID {
            height = try await LedgerVerifier(client: client, logger: logger).blockHeight(ofAnchor: anchorID)
        }
        let report = try await ConversationVerifier(client: client, logger: logger).verify(conversation)
        return ConversationInspection(
            buddiID: buddiID,
            transcript: conversation.transcript.map { Line(speaker: $0.speaker, text: $0.text, start: $0.start) },
            merkleRoot: conversation.merkleRoot, anchorID: conversation.anchorID, tokenID: conversation.tokenID,
            blockHeight: height, proofs: proofs, problems: report.problems)
    }
}
