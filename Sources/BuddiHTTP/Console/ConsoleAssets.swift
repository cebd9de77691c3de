import Foundation
import Hummingbird

/// The console's stylesheet and script, shipped in the binary's resources (no CDN, no build
/// step), served with the console's security headers and a short cache.
enum ConsoleAssets {
    static let files: [(name: String, type: String)] = [("console.css", "text/css; charset=utf-8"), ("console.js", "text/javascript; charset=utf-8")]

    static func register(on router: Router<BasicRequestContext>) {
        for file in files {
            let text = Bundle.module.resourceURL.map { $0.appendingPathComponent("Assets/" + file.name) }
                .flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
            router.get(RouterPath("/assets/" + file.name)) { _, _ in
                var headers = ConsolePage.securityHeaders
                headers[.contentType] = file.type
                headers[.cacheControl] = "max-age=300"
                return Response(status: text.isEmpty ? .internalServerError : .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
    }
}
