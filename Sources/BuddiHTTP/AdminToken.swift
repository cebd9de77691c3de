import Crypto
import Foundation
import Hummingbird

/// With `BUDDI_ADMIN_TOKEN` set, every mutating request (anything but GET and HEAD) needs
/// `Authorization: Bearer <token>`; a wrong or missing one is a 401. The comparison takes the
/// same time whatever the guess: both sides are hashed to fixed-length digests first.
struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokenDigest: SHA256.Digest?

    /// No token: nothing is checked.
    init(token: String?) {
        tokenDigest = token.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let tokenDigest, request.method != .get, request.method != .head else {
            return try await next(request, context)
        }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let offered = header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : ""
        guard Self.constantTimeEqual(SHA256.hash(data: Data(offered.utf8)), tokenDigest) else {
            var problem = APIProblem(.unauthorized, "unauthorized", "this endpoint needs Authorization: Bearer <BUDDI_ADMIN_TOKEN>")
            problem.headers[.wwwAuthenticate] = "Bearer"
            throw problem
        }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: SHA256.Digest, _ b: SHA256.Digest) -> Bool {
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
