import Foundation

extension EmbeddedPostgres {
    /// What the server writes when its disk is full.
    static let noSpaceMessage = "No space left on device"
    /// Less free space than one WAL segment: the server cannot go on writing. Defaults to 16 MiB.
    package static let lowestFreeBytes: Int64 = 16 << 20

    /// Bytes free for the server on the filesystem that holds the data directory; nil when it
    /// cannot be read.
    package func freeBytes() -> Int64? {
        var info = statvfs()
        guard statvfs(dataDirectory, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// The server log's last `count` lines, or a note that it cannot be read.
    package func logTail(lines count: Int = 10) -> String {
        guard let text = try? String(contentsOfFile: "\(dataDirectory)/server.log", encoding: .utf8) else {
            return "(no server.log)"
        }
        return text.split(separator: "\n").suffix(count).joined(separator: "\n")
    }

    /// Whether the server log's last lines say the disk is full.
    package var logSaysDiskFull: Bool {
        logTail(lines: 20).contains(Self.noSpaceMessage)
    }

    /// Whether the filesystem of the data directory is too full for the server to write.
    package var isOutOfSpace: Bool {
        (freeBytes() ?? .max) < Self.lowestFreeBytes
    }

    /// `error`, a failed start, named as a full disk when the server log says so or the space is
    /// gone (a server that cannot write cannot log why either).
    func namingDiskFull(_ error: DatabaseError) -> DatabaseError {
        guard case .embeddedClusterFailed(let step, _) = error, logSaysDiskFull || isOutOfSpace else { return error }
        let free = freeBytes().map { " (\($0 / 1024) KiB free)" } ?? ""
        return .embeddedClusterFailed(
            step: step, detail: "the disk is full: no space left on the filesystem of \(dataDirectory)\(free); free some space and it starts again")
    }
}
