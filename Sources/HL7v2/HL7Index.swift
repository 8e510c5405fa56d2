/// The flat structural index of one ER7 message: every segment, field, repetition, component and
/// subcomponent as a byte range into the message, with the range of its children one level down.
///
/// A flat index costs a handful of allocations per message instead of one per element, and keeps the
/// original bytes untouched, so encoding a parsed message gives the same bytes back.
struct HL7Index: Sendable {
    struct Node: Sendable {
        var start: UInt32
        var end: UInt32
        var firstChild: UInt32
        var childCount: UInt32
    }

    struct SegmentNode: Sendable {
        var start: UInt32
        var end: UInt32
        var firstField: UInt32
        var fieldCount: UInt32
        /// The three name bytes, packed big-endian.
        var name: UInt32
        /// Whether fields 1 and 2 are MSH-1/MSH-2-style literals (MSH, FHS, BHS).
        var isHeader: Bool
    }

    struct Span: Sendable {
        var start: UInt32
        var end: UInt32
    }

    var segments: [SegmentNode] = []
    var fields: [Node] = []
    var repetitions: [Node] = []
    var components: [Node] = []
    var subcomponents: [Span] = []

    static func packName(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        (UInt32(a) << 16) | (UInt32(b) << 8) | UInt32(c)
    }

    static func packName(_ name: String) -> UInt32? {
        let bytes = Array(name.utf8)
        guard bytes.count == 3 else { return nil }
        return packName(bytes[0], bytes[1], bytes[2])
    }

    static func unpackName(_ packed: UInt32) -> String {
        let bytes = [UInt8(truncatingIfNeeded: packed >> 16), UInt8(truncatingIfNeeded: packed >> 8), UInt8(truncatingIfNeeded: packed)]
        return String(decoding: bytes, as: UTF8.self)
    }

    static let msh = packName(0x4D, 0x53, 0x48)
    static let fhs = packName(0x46, 0x48, 0x53)
    static let bhs = packName(0x42, 0x48, 0x53)
}
