import Crypto

/// A SHA-256 digest in a Merkle tree or the block chain: 32 bytes, written as 64 lowercase hex
/// digits.
package struct MerkleHash: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    package let bytes: [UInt8]

    /// The all-zero hash: the previous hash of the first block.
    package static let zero = MerkleHash(validBytes: [UInt8](repeating: 0, count: 32))

    init(validBytes: [UInt8]) {
        bytes = validBytes
    }

    init(_ digest: SHA256.Digest) {
        bytes = digest.withUnsafeBytes { Array($0) }
    }

    /// The hash written as 64 hex digits (either case), or nil for anything else.
    package init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    /// 64 lowercase hex digits.
    package var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var utf8 = [UInt8]()
        utf8.reserveCapacity(64)
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    package var description: String { hex }

    package init(from decoder: any Decoder) throws {
        let hex = try decoder.singleValueContainer().decode(String.self)
        guard let hash = MerkleHash(hex: hex) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256 hash in hex: \(hex)"))
        }
        self = hash
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
