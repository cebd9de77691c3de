import Crypto

/// The canonical byte encodings that the ledger hashes. Every hash starts with a one-byte domain
/// tag, so a leaf can never pass for a node, an anchor or a block. Integers are big-endian;
/// strings are their UTF-8 bytes preceded by their byte count as a u32.
///
/// | hash        | bytes hashed with SHA-256                                                      |
/// |-------------|--------------------------------------------------------------------------------|
/// | field leaf  | `0x00 ‖ u32 len ‖ name ‖ u32 len ‖ value`                                       |
/// | node        | `0x01 ‖ left (32 bytes) ‖ right (32 bytes)`                                    |
/// | anchor leaf | `0x02 ‖ u64 anchor id ‖ u32 len ‖ merkle root ‖ u32 len ‖ manifest ‖ u32 len ‖ policy ‖ u32 len ‖ storage hint` |
/// | block       | `0x03 ‖ u32 len ‖ previous block hash ‖ u64 height ‖ u32 len ‖ anchors root` |
///
/// Anchors and blocks hash the hashes they hold as the stored text (64 lowercase hex digits), so
/// that whatever a row holds, even a malformed value, hashes to something to compare.
/// A tree over no leaves has the root SHA-256 of no bytes.
enum MerkleEncoding {
    static func fieldLeaf(name: String, value: String) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(tag: 0x00)
        hasher.update(lengthPrefixed: name)
        hasher.update(lengthPrefixed: value)
        return MerkleHash(hasher.finalize())
    }

    static func node(left: MerkleHash, right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(tag: 0x01)
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return MerkleHash(hasher.finalize())
    }

    static func anchorLeaf(id: Int64, merkleRoot: String, manifest: String, policy: String, storageHint: String) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(tag: 0x02)
        hasher.update(bigEndian: UInt64(bitPattern: id))
        hasher.update(lengthPrefixed: merkleRoot)
        hasher.update(lengthPrefixed: manifest)
        hasher.update(lengthPrefixed: policy)
        hasher.update(lengthPrefixed: storageHint)
        return MerkleHash(hasher.finalize())
    }

    static func block(previousHash: String, height: Int64, anchorsRoot: String) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(tag: 0x03)
        hasher.update(lengthPrefixed: previousHash)
        hasher.update(bigEndian: UInt64(bitPattern: height))
        hasher.update(lengthPrefixed: anchorsRoot)
        return MerkleHash(hasher.finalize())
    }

    static let emptyRoot = MerkleHash(SHA256.hash(data: [UInt8]()))
}

extension SHA256 {
    fileprivate mutating func update(tag: UInt8) {
        withUnsafeBytes(of: tag) { update(bufferPointer: $0) }
    }

    fileprivate mutating func update(bigEndian value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { update(bufferPointer: $0) }
    }

    fileprivate mutating func update(lengthPrefixed string: String) {
        var string = string
        string.withUTF8 { utf8 in
            withUnsafeBytes(of: UInt32(utf8.count).bigEndian) { update(bufferPointer: $0) }
            update(bufferPointer: UnsafeRawBufferPointer(utf8))
        }
    }
}
