import Foundation
import Tracing

/// A job's trace context as `jobs.trace_context` stores it: the propagation headers (W3C
/// `traceparent` and `tracestate`, or whatever the bootstrapped instrument writes) of the code
/// that enqueued it. Without a bootstrapped tracer nothing is written and nothing is read.
package enum JobTraceContext {
    /// The headers of `context` as a JSON object, or nil when the instrument writes none.
    static func encode(_ context: ServiceContext) -> String? {
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HeaderMapInjector())
        guard !headers.isEmpty, let data = try? JSONEncoder.jobs.encode(headers) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The context stored as `json`, or nil when there is none (or it is not a JSON object).
    static func decode(_ json: String?) -> ServiceContext? {
        guard let json, let headers = headers(json) else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(headers, into: &context, using: HeaderMapExtractor())
        return context
    }

    /// The stored headers, or nil when `json` is not an object of strings.
    static func headers(_ json: String) -> [String: String]? {
        try? JSONDecoder.jobs.decode([String: String].self, from: Data(json.utf8))
    }

    /// The trace id (32 lowercase hex digits) of W3C headers whose `traceparent` is sampled;
    /// nil for none, an unsampled one, or one that is not W3C's.
    package static func sampledTraceID(_ headers: [String: String]) -> String? {
        guard let parent = headers["traceparent"] else { return nil }
        let fields = parent.split(separator: "-")
        guard fields.count >= 4, fields[1].count == 32, fields[3].count == 2, let flags = UInt8(fields[3], radix: 16),
              flags & 1 == 1, fields[1].allSatisfy(\.isHexDigit)
        else { return nil }
        return fields[1].lowercased()
    }

    /// The id of the trace the caller runs in, when it is sampled (what a tracing UI can show).
    package static func currentSampledTraceID() -> String? {
        guard let context = ServiceContext.current else { return nil }
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HeaderMapInjector())
        return sampledTraceID(headers)
    }
}

/// Writes propagation headers into a dictionary.
struct HeaderMapInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// Reads propagation headers from a dictionary.
struct HeaderMapExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
