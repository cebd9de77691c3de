/// The advisory lock that lets the sealer close a block's range of anchor ids: every transaction
/// that anchors holds it shared until it ends; the sealer takes it alone for an instant, after
/// which every anchor id handed out so far is committed or gone for good.
package enum LedgerLocks {
    /// The lock's key.
    static let anchoringKey = "hashtextextended('buddi.ledger.anchoring', 0)"

    /// An expression that takes the lock shared until the transaction ends.
    package static let takeAnchoringShared = "pg_advisory_xact_lock_shared(\(anchoringKey))"
}
