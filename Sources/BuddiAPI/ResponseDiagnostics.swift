import AsyncHTTPClient
import Foundation
import NIOCore

/// Says in words why a body did not decode, and where.
enum DecodingFailure {
    static func describe(_ error: any Error, body: Data) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let cause = (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
            return "the \(body.count)-byte body is not valid JSON (truncated or malformed): \(cause)"
        case .dataCorrupted(let context):
            return "bad value at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "`\(key.stringValue)` is missing at \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "expected \(type) but found null at \(path(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    /// `memories[3].structured`, or `the top level`.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        return codingPath.reduce(into: "") { text, key in
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
    }
}

/// Reads the `detail` of an error response: `{"detail": "…"}`, FastAPI's
/// `{"detail": [{"msg": "…"}, …]}`, or else the start of the body as text.
enum ErrorDetail {
    static func read(_ body: Data) -> String {
        let detail = (try? JSONDecoder().decode(JSONValue.self, from: body))?["detail"]
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
