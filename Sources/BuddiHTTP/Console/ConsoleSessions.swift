import Crypto
import Foundation
import Hummingbird

/// Who is looking at the console: the role their session carries, and the CSRF token their
/// forms must send back.
struct ConsoleViewer: Sendable {
    let role: APIAccess.Role
    let csrfToken: String
    /// The admin token's session (or an open console) can act; the read token's only look.
    var canAct: Bool { role == .admin }
}

/// The console's sessions: a token exchanged at the login page for a signed cookie
/// (`buddi_session`: role, expiry, nonce and an HMAC over them — nothing secret in it, nothing
/// stored on the server). HttpOnly, SameSite=Strict, Secure when the request came over TLS (a
/// proxy's `X-Forwarded-Proto: https`). Each form carries a CSRF token, an HMAC of the session.
/// Without tokens (a loopback-only server) every visitor gets an admin session on first sight,
/// so forms are CSRF-protected all the same.
struct ConsoleSessions: Sendable {
    static let cookieName = "buddi_session"
    static let lifetime = 12 * 3600
    /// The form field that carries the CSRF token.
    static let csrfField = "csrf"

    let access: APIAccess

    /// A new session's cookie value for `role`.
    func issue(_ role: APIAccess.Role, now: Date = Date()) -> String {
        let nonce = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0).map { String(format: "%02x", $0) }.joined() }
        let body = "\(role == .admin ? "admin" : "reader").\(Int(now.timeIntervalSince1970) + Self.lifetime).\(nonce)"
        return body + "." + mac(body)
    }

    /// The viewer a request's cookie names, if it carries a valid, unexpired session.
    func viewer(of request: Request, now: Date = Date()) -> ConsoleViewer? {
        guard let value = request.cookies[Self.cookieName]?.value else { return nil }
        return viewer(cookie: value, now: now)
    }

    /// The viewer of a cookie value, if it is valid and unexpired.
    func viewer(cookie value: String, now: Date = Date()) -> ConsoleViewer? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let expiry = Int(parts[1]), expiry > Int(now.timeIntervalSince1970) else { return nil }
        let body = parts[0...2].joined(separator: ".")
        guard Self.equal(mac(body), String(parts[3])) else { return nil }
        // A role whose token is not configured has no sessions (with only a read token, its
        // holder knows the key and could sign "admin").
        let role: APIAccess.Role
        switch parts[0] {
        case "admin" where access.adminDigest != nil || !access.isProtected: role = .admin
        case "reader" where access.readDigest != nil: role = .reader
        default: return nil
        }
        return ConsoleViewer(role: role, csrfToken: mac("csrf|" + value))
    }

    /// Whether `offered` is the CSRF token of the request's session.
    func checkCSRF(_ offered: String?, viewer: ConsoleViewer) -> Bool {
        guard let offered else { return false }
        return Self.equal(offered, viewer.csrfToken)
    }

    /// The `Set-Cookie` value that starts a session.
    func setCookie(_ value: String, secure: Bool) -> String {
        "\(Self.cookieName)=\(value); Path=/; Max-Age=\(Self.lifetime); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that ends it.
    func clearCookie(secure: Bool) -> String {
        "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Whether the request reached the server over TLS (directly or through a proxy that says so).
    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    private func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: access.sessionKey).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in time independent of where they differ, as the API compares its tokens.
    private static func equal(_ a: String, _ b: String) -> Bool {
        APIAccess.constantTimeEqual(SHA256.hash(data: Data(a.utf8)), SHA256.hash(data: Data(b.utf8)))
    }
}
