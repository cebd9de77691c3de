/// Whether an address to listen on reaches only this machine.
package enum LoopbackHost {
    /// `localhost`, `::1` and the whole of 127.0.0.0/8.
    package static func contains(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
