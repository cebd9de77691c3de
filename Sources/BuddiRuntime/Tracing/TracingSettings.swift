import Foundation

/// The `OTEL_*` variables buddi's tracer would take, checked before anything starts: OpenTelemetry
/// itself falls back to a default on a value it cannot read (a sampler it does not know samples
/// everything), and stops the process on what this build lacks (gRPC, propagators other than
/// W3C trace context, remote samplers).
package enum TracingSettings {
    /// The samplers swift-otel implements.
    static let samplers: Set = [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
    ]

    /// Throws, naming the variable, for what OpenTelemetry would misread or stop on; nothing when
    /// tracing is off. A value that may hold credentials (headers, an endpoint's user) is not shown.
    package static func check(_ environment: [String: String]) throws(TracingSettingsError) {
        guard BuddiTracing.isRequested(by: environment) else { return }
        let set = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        for name in ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] {
            guard let value = set(name) else { continue }
            guard let url = URLComponents(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
                throw TracingSettingsError(variable: name, problem: "must be an http:// or https:// URL, got '\(withoutCredentials(value))'")
            }
        }
        for name in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] {
            guard let value = set(name), !["http/protobuf", "http/json"].contains(value) else { continue }
            throw TracingSettingsError(variable: name, problem: "must be http/protobuf or http/json (this build exports over OTLP/HTTP only), got '\(value)'")
        }
        for name in ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"] {
            guard let value = set(name) else { continue }
            let pairs = value.split(separator: ",", omittingEmptySubsequences: false)
            guard pairs.allSatisfy({ $0.split(separator: "=", maxSplits: 1).count == 2 && !$0.hasPrefix("=") }) else {
                throw TracingSettingsError(variable: name, problem: "must be key=value pairs separated by commas (the value is not shown: it may hold credentials)")
            }
        }
        if let exporter = set("OTEL_TRACES_EXPORTER"), !["otlp", "none"].contains(exporter) {
            throw TracingSettingsError(variable: "OTEL_TRACES_EXPORTER", problem: "must be otlp or none, got '\(exporter)'")
        }
        if let propagators = set("OTEL_PROPAGATORS") {
            let unknown = propagators.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !["tracecontext", "none"].contains($0) }
            if !unknown.isEmpty {
                throw TracingSettingsError(variable: "OTEL_PROPAGATORS", problem: "may list tracecontext or none only, got '\(propagators)'")
            }
        }
        let sampler = set("OTEL_TRACES_SAMPLER")
        if let sampler, !samplers.contains(sampler) {
            throw TracingSettingsError(variable: "OTEL_TRACES_SAMPLER", problem: "must be one of \(samplers.sorted().joined(separator: ", ")), got '\(sampler)'")
        }
        if let sampler, sampler.hasSuffix("traceidratio"), let argument = set("OTEL_TRACES_SAMPLER_ARG") {
            guard let ratio = Double(argument), (0...1).contains(ratio) else {
                throw TracingSettingsError(variable: "OTEL_TRACES_SAMPLER_ARG", problem: "must be a ratio from 0 to 1, got '\(argument)'")
            }
        }
    }

    /// `url` without a `user:password@` part (what precedes an `@` it cannot parse is cut too).
    static func withoutCredentials(_ url: String) -> String {
        if var components = URLComponents(string: url), components.user != nil || components.password != nil {
            components.user = nil
            components.password = nil
            return components.string ?? "…"
        }
        guard let at = url.lastIndex(of: "@") else { return url }
        return "…" + url[at...]
    }
}

/// An `OTEL_*` variable buddi cannot trace with.
package struct TracingSettingsError: Error, CustomStringConvertible {
    let variable: String
    let problem: String
    package var description: String { "\(variable) \(problem)" }
}
