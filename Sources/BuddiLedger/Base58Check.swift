import Crypto

/// Base58Check as æternity writes its ids (`ct_…`, `ak_…`): the payload followed by the first
/// four bytes of SHA-256(SHA-256(payload)), in Bitcoin's base-58 alphabet.
enum Base58Check {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    static func encode(_ payload: [UInt8]) -> String {
        let checksum = SHA256.hash(data: Array(SHA256.hash(data: payload))).prefix(4)
        return base58(payload + checksum)
    }

    private static func base58(_ bytes: [UInt8]) -> String {
        // Base-58 digits, least significant first, by repeated long multiplication.
        var digits = [UInt8]()
        for byte in bytes {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let leadingZeros = bytes.prefix { $0 == 0 }.count
        let encoded = [UInt8](repeating: alphabet[0], count: leadingZeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: encoded, as: UTF8.self)
    }
}
