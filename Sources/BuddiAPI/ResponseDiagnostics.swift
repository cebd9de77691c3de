import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads the `detail` of an error response: `{"detail": "…"}`, FastAPI's
/// `{"detail": [{"msg": "…"}, …]}`, or else the start of the body as text.
enum ErrorDetail {
    static func read(_ body: Data) -> String {
        let detail = (try? JSONValue(parsing: body))?["detail"]
        if let text = detail?.stringValue { return text }
        if let messages = detail?.arrayValue?.compactMap({ $0["msg"]?.stringValue }), !messages.isEmpty {
            return messages.joined(separator: "; ")
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "(no detail)" : text
    }
}

/// Says in words why a request got no response.
enum TransportFailure {
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.shortDescription.lowercased() }
        if let error = error as? IOError { return "connection failed: \(error.description)" }
        return "connection failed: \(error)"
    }
}
