import Foundation

/// The `OTEL_*` variables buddi's tracer would take, checked before anything starts: OpenTelemetry
/// itself falls back to a default on a value it cannot read (a sampler it does not know samples
/// everything) and stops the process on a protocol this build lacks (gRPC).
package enum TracingSettings {
    /// The samplers OpenTelemetry's specification names that swift-otel implements.
    static let samplers: Set = [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
        "parentbased_traceidratio", "jaeger_remote", "parentbased_jaeger_remote", "xray",
    ]

    /// Throws, naming the variable, for an endpoint that is not an http(s) URL, a protocol other
    /// than OTLP/HTTP, an unknown sampler or a ratio outside 0 to 1; nothing when tracing is off.
    package static func check(_ environment: [String: String]) throws(TracingSettingsError) {
        guard BuddiTracing.isRequested(by: environment) else { return }
        for name in ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw TracingSettingsError(variable: name, problem: "must be an http:// or https:// URL, got '\(value)'")
            }
        }
        for name in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard ["http/protobuf", "http/json"].contains(value) else {
                throw TracingSettingsError(variable: name, problem: "must be http/protobuf or http/json (this build exports over OTLP/HTTP only), got '\(value)'")
            }
        }
        let sampler = environment["OTEL_TRACES_SAMPLER"].flatMap { $0.isEmpty ? nil : $0 }
        if let sampler, !samplers.contains(sampler) {
            throw TracingSettingsError(variable: "OTEL_TRACES_SAMPLER", problem: "must be one of \(samplers.sorted().joined(separator: ", ")), got '\(sampler)'")
        }
        if let sampler, sampler.hasSuffix("traceidratio"), let argument = environment["OTEL_TRACES_SAMPLER_ARG"], !argument.isEmpty {
            guard let ratio = Double(argument), (0...1).contains(ratio) else {
                throw TracingSettingsError(variable: "OTEL_TRACES_SAMPLER_ARG", problem: "must be a ratio from 0 to 1, got '\(argument)'")
            }
        }
    }
}

/// An `OTEL_*` variable buddi cannot trace with.
package struct TracingSettingsError: Error, CustomStringConvertible {
    let variable: String
    let problem: String
    package var description: String { "\(variable) \(problem)" }
}
