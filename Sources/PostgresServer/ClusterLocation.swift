import Foundation

/// Where an embedded cluster asked for at one path really lives.
///
/// As root, the server runs as the `postgres` user, which must be able to reach its data
/// directory. When a parent of the path asked for is private (the usual `/root/…`), the cluster
/// lives instead in `/var/lib/buddi/embedded/<name>-<hash of the path>`, owned by `postgres`,
/// and the path asked for becomes a symbolic link to it: the user's own directories keep their
/// permissions, and every later command that names the path finds the same cluster.
enum ClusterLocation {
    /// Where relocated clusters live.
    static let relocationRoot = "/var/lib/buddi/embedded"

    /// The data directory to use for `requested` (absolute, standardized).
    static func resolve(_ requested: String) -> String {
        if let target = symbolicLinkTarget(requested) { return target }
        if FileManager.default.fileExists(atPath: "\(requested)/PG_VERSION") { return requested }
        guard ServerBinaries.mustSwitchUser, let postgres = getpwnam("postgres") else { return requested }
        let parent = (requested as NSString).deletingLastPathComponent
        if canTraverse(parent, uid: postgres.pointee.pw_uid, gid: postgres.pointee.pw_gid) { return requested }
        let name = (requested as NSString).lastPathComponent.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return "\(relocationRoot)/\(name.isEmpty ? "cluster" : name)-\(String(requested.hashValueStable, radix: 36))"
    }

    /// Makes `requested` a symbolic link to `location` when they differ and nothing is there yet.
    static func link(_ requested: String, to location: String) throws(DatabaseError) {
        guard requested != location, symbolicLinkTarget(requested) == nil else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: (requested as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: requested, withDestinationPath: location)
        } catch {
            throw .embeddedClusterFailed(step: "link \(requested) to \(location)", detail: error.localizedDescription)
        }
    }

    /// The absolute target of `path` if it is a symbolic link.
    private static func symbolicLinkTarget(_ path: String) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return nil }
        let absolute = target.hasPrefix("/") ? target : (path as NSString).deletingLastPathComponent + "/" + target
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Whether a user can search every directory from `/` down to `path` (or down to its nearest
    /// existing ancestor: what is created below will be the server's).
    static func canTraverse(_ path: String, uid: uid_t, gid: gid_t) -> Bool {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/\(component)"
            var info = stat()
            guard stat(current, &info) == 0 else { return true }
            let mode = info.st_mode
            let allowed = info.st_uid == uid ? mode & S_IXUSR != 0
                : info.st_gid == gid ? mode & S_IXGRP != 0
                : mode & S_IXOTH != 0
            if !allowed { return false }
        }
        return true
    }
}
