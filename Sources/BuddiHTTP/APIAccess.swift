import BuddiAPI
import Crypto
import Foundation

/// Who may use the HTTP API: `BUDDI_ADMIN_TOKEN` may do everything, `BUDDI_READ_TOKEN` only
/// read. Either may instead be read from a file (`BUDDI_ADMIN_TOKEN_FILE`, `BUDDI_READ_TOKEN_FILE`),
/// as systemd's `LoadCredential=` provides them. Tokens are kept only as SHA-256 digests.
package struct APIAccess: Sendable {
    /// What a request may do, by the token it offers.
    enum Role: Sendable {
        case admin, reader
    }

    let adminDigest: SHA256.Digest?
    let readDigest: SHA256.Digest?
    /// What the console's session cookies are signed with: derived from the tokens when there are
    /// some (a session holds across restarts and replicas, and ends when a token changes), else
    /// random for this process. With only a read token its holder could derive the key: no admin
    /// session is then accepted at all (``ConsoleSessions``).
    let sessionKey: SymmetricKey

    /// Access with these tokens; nil or empty for none.
    package init(adminToken: String?, readToken: String? = nil) {
        adminDigest = Self.digest(adminToken)
        readDigest = Self.digest(readToken)
        if adminDigest != nil || readDigest != nil {
            // Each token's part is marked, so "admin token X" and "read token X" give other keys.
            var material = Data("buddi console sessions v1".utf8)
            for (mark, digest) in [("admin:", adminDigest), ("read:", readDigest)] {
                material.append(contentsOf: Array(mark.utf8) + (digest.map(Array.init) ?? []))
            }
            sessionKey = SymmetricKey(data: SHA256.hash(data: material))
        } else {
            sessionKey = SymmetricKey(size: .bits256)
        }
    }

    /// Whether any token is configured (else every request is let through: loopback only).
    package var isProtected: Bool { adminDigest != nil || readDigest != nil }

    /// The tokens from the environment. Throws a one-line reason naming the variable when a token
    /// is given both ways, or its file cannot be read or is empty.
    package static func fromEnvironment(_ environment: [String: String]) throws -> APIAccess {
        APIAccess(
            adminToken: try token("BUDDI_ADMIN_TOKEN", in: environment),
            readToken: try token("BUDDI_READ_TOKEN", in: environment))
    }

    /// The role `offered` (the bearer token of a request) has, if any. Compared in constant time:
    /// both sides are hashed to fixed-length digests first.
    func role(offering offered: String) -> Role? {
        let digest = SHA256.hash(data: Data(offered.utf8))
        let isAdmin = adminDigest.map { Self.constantTimeEqual(digest, $0) } ?? false
        let isReader = readDigest.map { Self.constantTimeEqual(digest, $0) } ?? false
        return isAdmin ? .admin : isReader ? .reader : nil
    }

    private static func token(_ name: String, in environment: [String: String]) throws -> String? {
        do {
            return try SecretSetting.read(name, in: environment)
        } catch {
            throw APIAccessError(error.description)
        }
    }

    private static func digest(_ token: String?) -> SHA256.Digest? {
        token.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
    }

    static func constantTimeEqual(_ a: SHA256.Digest, _ b: SHA256.Digest) -> Bool {
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// Why the API's tokens cannot be read from the environment.
package struct APIAccessError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
