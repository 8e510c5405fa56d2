// NTE, notes and comments (HL7 v2.5 chapter 2, section 2.15.10).

/// Typed access to an NTE segment.
public struct NTESegment: Sendable {
    /// The underlying segment.
    public let segment: HL7Segment

    /// Wraps a segment named NTE.
    public init?(_ segment: HL7Segment) {
        guard segment.name == "NTE" else { return nil }
        self.segment = segment
    }

    /// NTE-1 Set ID.
    public var setID: String { segment.string(1) }
    /// NTE-2 Source of Comment (`L`, `P`, `O`).
    public var sourceOfComment: String { segment.string(2) }
    /// NTE-3 Comment, every repetition decoded.
    public var comments: [String] { segment.repetitions(3).map(\.value) }
    /// NTE-4 Comment Type.
    public var commentType: HL7CodedElement {
        segment.field(4)?.repetition(1).map(HL7CodedElement.init) ?? HL7CodedElement(identifier: "")
    }
}
