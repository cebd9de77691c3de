import Foundation
import PostgresServer
import Testing

/// An OTLP/HTTP trace receiver on loopback, built on OpenTelemetry's own protobuf definitions
/// (PyPI `opentelemetry-proto`, installed by scripts/install-tools into BUDDI_OTEL_PROTO_VENV): it
/// decodes each export request as a collector does and keeps every span it received.
final class OTLPReceiver: Sendable {
    /// A span as received.
    struct Span: Decodable, Sendable {
        let service: String
        let traceID: String
        let spanID: String
        let parentSpanID: String
        let name: String
        let kind: Int
        let attributes: [String: Attribute]
        let links: [Link]
        let statusCode: Int

        struct Link: Decodable, Sendable {
            let traceID: String
            let spanID: String

            enum CodingKeys: String, CodingKey {
                case traceID = "trace_id", spanID = "span_id"
            }
        }

        enum CodingKeys: String, CodingKey {
            case service, name, kind, attributes, links
            case traceID = "trace_id", spanID = "span_id", parentSpanID = "parent_span_id", statusCode = "status_code"
        }
    }

    /// An attribute's value: a string, a number, a boolean or a list of strings.
    enum Attribute: Decodable, Sendable, Equatable {
        case string(String), int(Int64), double(Double), bool(Bool), strings([String])

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let bool = try? value.decode(Bool.self) { self = .bool(bool) }
            else if let int = try? value.decode(Int64.self) { self = .int(int) }
            else if let double = try? value.decode(Double.self) { self = .double(double) }
            else if let strings = try? value.decode([String].self) { self = .strings(strings) }
            else { self = .string(try value.decode(String.self)) }
        }

        var string: String? { if case .string(let value) = self { value } else { nil } }
        var int: Int64? { if case .int(let value) = self { value } else { nil } }
        var strings: [String]? { if case .strings(let value) = self { value } else { nil } }
    }

    /// The endpoint to give as OTEL_EXPORTER_OTLP_ENDPOINT.
    let endpoint: String
    private let process: RunningProcess
    private let spansPath: String

    private init(process: RunningProcess, port: Int, spansPath: String) {
        self.process = process
        self.endpoint = "http://127.0.0.1:\(port)"
        self.spansPath = spansPath
    }

    /// Starts a receiver on a port of its own.
    static func start() async throws -> OTLPReceiver {
        let python = (ProcessInfo.processInfo.environment["BUDDI_OTEL_PROTO_VENV"] ?? "/tmp/buddi-opentelemetry-proto-1.39.1") + "/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "opentelemetry-proto is not installed (scripts/install-tools installs it)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = directory + "/receiver.py"
        let spans = directory + "/spans.jsonl"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        let process = try RunningProcess([python, script, spans], environment: ProcessInfo.processInfo.environment, label: "otlp-receiver")
        var port: Int?
        for _ in 0..<300 where port == nil {
            port = process.output.split(separator: "\n").first { $0.hasPrefix("listening ") }.flatMap { Int($0.dropFirst(10)) }
            if port == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        return OTLPReceiver(process: process, port: try #require(port, "the receiver did not start: \(process.output)"), spansPath: spans)
    }

    /// Every span received so far.
    func spans() throws -> [Span] {
        guard let text = try? String(contentsOfFile: spansPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Span.self, from: Data($0.utf8)) }
    }

    /// How many export requests it answered, and what it printed.
    var output: String { process.output }

    /// Stops it.
    func stop() async throws {
        process.signal(SIGTERM)
        _ = try await process.wait(timeout: .seconds(10))
    }

    private static let script = #"""
        import gzip, json, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

        out = open(sys.argv[1], "a")
        writing = threading.Lock()

        def value(v):
            kind = v.WhichOneof("value")
            if kind == "array_value":
                return [value(x) for x in v.array_value.values]
            return getattr(v, kind) if kind else None

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path != "/v1/traces" or self.headers.get("content-type") != "application/x-protobuf":
                    self.send_response(404); self.end_headers(); return
                request = trace_service_pb2.ExportTraceServiceRequest()
                request.ParseFromString(body)
                lines = []
                for resource_spans in request.resource_spans:
                    attrs = {a.key: value(a.value) for a in resource_spans.resource.attributes}
                    for scope in resource_spans.scope_spans:
                        for s in scope.spans:
                            lines.append(json.dumps({
                                "service": attrs.get("service.name", ""),
                                "trace_id": s.trace_id.hex(), "span_id": s.span_id.hex(),
                                "parent_span_id": s.parent_span_id.hex(), "name": s.name, "kind": s.kind,
                                "attributes": {a.key: value(a.value) for a in s.attributes},
                                "links": [{"trace_id": l.trace_id.hex(), "span_id": l.span_id.hex()} for l in s.links],
                                "status_code": s.status.code}) + "\n")
                with writing:
                    out.writelines(lines)
                    out.flush()
                response = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        print("listening", server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
