/// Hard limits the ER7 parser enforces, so that hostile input costs bounded memory and time.
public struct HL7ParserLimits: Hashable, Sendable, Codable {
    /// The largest message, in bytes.
    public var maximumMessageBytes: Int
    /// The most segments in one message.
    public var maximumSegments: Int
    /// The most fields in one segment.
    public var maximumFieldsPerSegment: Int
    /// The most repetitions of one field.
    public var maximumRepetitionsPerField: Int
    /// The most components in one repetition.
    public var maximumComponentsPerRepetition: Int
    /// The most subcomponents in one component.
    public var maximumSubcomponentsPerComponent: Int

    /// Creates limits.
    public init(
        maximumMessageBytes: Int = 1 << 20,
        maximumSegments: Int = 5_000,
        maximumFieldsPerSegment: Int = 1_000,
        maximumRepetitionsPerField: Int = 1_000,
        maximumComponentsPerRepetition: Int = 500,
        maximumSubcomponentsPerComponent: Int = 100
    ) {
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumSegments = maximumSegments
        self.maximumFieldsPerSegment = maximumFieldsPerSegment
        self.maximumRepetitionsPerField = maximumRepetitionsPerField
        self.maximumComponentsPerRepetition = maximumComponentsPerRepetition
        self.maximumSubcomponentsPerComponent = maximumSubcomponentsPerComponent
    }

    /// The defaults: 1 MiB, 5,000 segments, 1,000 fields, 1,000 repetitions, 500 components, 100 subcomponents.
    public static let `default` = HL7ParserLimits()
}
