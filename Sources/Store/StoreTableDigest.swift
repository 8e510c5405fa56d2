import Crypto

/// The row count and a digest of a ``StoreTable``'s rows that does not depend on their order: the SHA-256 of each
/// row's values (type-tagged and length-prefixed, so that no two different rows encode alike), added up in four
/// 64-bit lanes. Two backends holding the same rows, byte for byte (sealed values included), have the same digest,
/// whatever order each reads them in.
public struct StoreTableDigest: Sendable, Hashable {
    /// Rows added.
    public private(set) var count = 0
    private var lanes: [UInt64] = [0, 0, 0, 0]

    /// An empty digest.
    public init() {}

    /// Adds one row.
    public mutating func add(_ row: [StoreValue]) {
        var hasher = SHA256()
        for value in row {
            switch value {
            case .null:
                hasher.update(data: [0])
            case .integer(let integer):
                hasher.update(data: [1])
                hasher.update(data: Self.bigEndian(UInt64(bitPattern: integer)))
            case .text(let text):
                let bytes = Array(text.utf8)
                hasher.update(data: [2])
                hasher.update(data: Self.bigEndian(UInt64(bytes.count)))
                hasher.update(data: bytes)
            case .bytes(let bytes):
                hasher.update(data: [3])
                hasher.update(data: Self.bigEndian(UInt64(bytes.count)))
                hasher.update(data: bytes)
            }
        }
        let digest = Array(hasher.finalize())
        for lane in 0..<4 {
            var word: UInt64 = 0
            for byte in digest[(lane * 8)..<(lane * 8 + 8)] { word = word << 8 | UInt64(byte) }
            lanes[lane] &+= word
        }
        count += 1
    }

    /// The digest in hex (64 characters).
    public var hex: String {
        lanes.map { lane in
            let digits = String(lane, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}
