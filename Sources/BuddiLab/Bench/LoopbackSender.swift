import Foundation

/// Sends prepared HTTP/1.1 requests over one kept-alive loopback connection, one at a time, with
/// blocking sockets on a thread of its own: a sender that costs a request a few system calls, so
/// that a benchmark's CPU goes to the server it measures (the platform sending webhooks runs on
/// machines of its own).
final class LoopbackSender: @unchecked Sendable {
    private let port: UInt16
    private var socket: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(port: Int) {
        self.port = UInt16(port)
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    /// Sends `request` (a whole HTTP/1.1 request) and reads the response; its status, or nil when
    /// the connection failed (it is opened again for the next request).
    func send(_ request: [UInt8]) -> Int? {
        if socket < 0, !connect() { return nil }
        let written = request.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                // MSG_NOSIGNAL: a connection the server closed is an error here, not a SIGPIPE.
                let count = Glibc.send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if count <= 0 { return false }
                offset += count
            }
            return true
        }
        guard written, let (status, keepAlive) = readResponse() else {
            close(socket)
            socket = -1
            return nil
        }
        if !keepAlive {
            close(socket)
            socket = -1
        }
        return status
    }

    private func connect() -> Bool {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        var noDelay: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        // A server that stops answering fails the request after 30 s instead of hanging the bench.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return false
        }
        socket = fd
        return true
    }

    /// Reads one response with a Content-Length body (nil for any other); its status, and whether
    /// the connection stays open.
    private func readResponse() -> (status: Int, keepAlive: Bool)? {
        var received = 0
        var headerEnd: Int?
        var total: Int?
        var keepAlive = true
        while total.map({ received < $0 }) ?? true {
            if received == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(socket, $0.baseAddress! + received, $0.count - received) }
            guard count > 0 else { return nil }
            received += count
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: buffer[0..<received]) {
                headerEnd = end + 4
                let lines = String(decoding: buffer[0..<end], as: UTF8.self).lowercased().split(separator: "\r\n")
                guard let length = lines.first(where: { $0.hasPrefix("content-length:") })
                    .flatMap({ Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) })
                else { return nil }
                keepAlive = !lines.contains { $0.hasPrefix("connection:") && $0.contains("close") }
                total = end + 4 + length
            }
        }
        guard received >= 12, let status = Int(String(decoding: buffer[9..<12], as: UTF8.self)) else { return nil }
        return (status, keepAlive)
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index <= haystack.endIndex - needle.count {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
