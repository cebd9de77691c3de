import BuddiAPI

/// How structured values become the strings a conversation's Merkle tree hashes.
package enum LedgerValue {
    /// A structured value (a list of keywords, say) as a field's string: its canonical JSON
    /// text (``BuddiAPI/JSONValue/jsonText``, specified there and pinned by a test vector).
    package static func canonical(_ value: JSONValue) -> String {
        value.jsonText
    }
}
