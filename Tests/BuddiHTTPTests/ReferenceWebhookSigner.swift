import BuddiAPI
import Foundation

/// Signs deliveries with the Standard Webhooks reference implementation (PyPI
/// `standardwebhooks`, installed by scripts/install-tools into BUDDI_STANDARDWEBHOOKS_VENV).
enum ReferenceWebhookSigner {
    static var python: String {
        (ProcessInfo.processInfo.environment["BUDDI_STANDARDWEBHOOKS_VENV"] ?? "/tmp/buddi-standardwebhooks-1.0.0") + "/bin/python"
    }

    /// The library's `webhook-signature` for the message; the secret travels on stdin.
    static func sign(secret: WebhookSecret, id: String, timestamp: Int64, body: [UInt8]) throws -> String {
        let script = """
            import sys, datetime
            from standardwebhooks.webhooks import Webhook
            secret = sys.stdin.buffer.readline().decode().strip()
            body = sys.stdin.buffer.read().decode()
            when = datetime.datetime.fromtimestamp(int(sys.argv[2]), tz=datetime.timezone.utc)
            print(Webhook(secret).sign(sys.argv[1], when, body))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, id, String(timestamp)]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((secret.text + "\n").utf8) + Data(body))
        try input.fileHandleForWriting.close()
        let signature = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SignerError.failed(process.terminationStatus) }
        return signature.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    enum SignerError: Error { case failed(Int32) }
}
