/// Where a token points: `buddi://anchors/<anchor id>/tokens/<token id>`.
enum TokenURI {
    static func of(tokenID: Int64, anchorID: Int64) -> String {
        "buddi://anchors/\(anchorID)/tokens/\(tokenID)"
    }
}
