/// What a queue's name may be, for every caller: enqueue, pause, resume, the CLI and HTTP.
public enum QueueName {
    /// The longest name, in UTF-8 bytes.
    public static let maxBytes = 200

    /// Why `name` is not a queue's name, or nil when it is one.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty || name.utf8.count > maxBytes || name.utf8.contains(0) {
            return "a queue name must be 1 to \(maxBytes) bytes, without NUL, got \(name.utf8.count) bytes"
        }
        return nil
    }
}
