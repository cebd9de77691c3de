import Foundation
import PostgresNIO

/// What a URL's `sslmode`, `sslrootcert`, `sslcert` and `sslkey` ask of TLS, as libpq means them:
/// - `disable`, `allow`: no TLS (PostgresNIO cannot fall back from plain to TLS, which is all
///   `allow` adds);
/// - `prefer`: TLS when the server offers it, unverified;
/// - `require`: TLS, unverified unless `sslrootcert` is given (then as `verify-ca`);
/// - `verify-ca`: TLS, the server's certificate chaining to `sslrootcert` (the system's CAs
///   without it);
/// - `verify-full`: that, and the certificate naming the host.
/// `sslcert` and `sslkey` present a client certificate (for `cert` authentication).
enum TLSPolicy {
    case off
    case preferred(TLSConfiguration)
    case required(TLSConfiguration)

    init(_ url: DatabaseURL) {
        var settings = TLSConfiguration.makeClientConfiguration()
        let verifies = url.sslMode == "verify-full" || url.sslMode == "verify-ca" || (url.sslMode == "require" && url.sslRootCert != nil)
        settings.certificateVerification = !verifies ? .none : url.sslMode == "verify-full" ? .fullVerification : .noHostnameVerification
        if let root = url.sslRootCert { settings.trustRoots = .file(root) }
        if let cert = url.sslCert, let key = url.sslKey {
            // Loaded when the URL was parsed; a file that broke since fails the handshake.
            let chain = (try? NIOSSLCertificate.fromPEMFile(cert)) ?? []
            settings.certificateChain = chain.map { .certificate($0) }
            if let privateKey = try? NIOSSLPrivateKey(file: key, format: .pem) { settings.privateKey = .privateKey(privateKey) }
        }
        switch url.sslMode {
        case "disable", "allow": self = .off
        case "prefer": self = .preferred(settings)
        default: self = .required(settings)
        }
    }
}
