// HL7 table 0357 "Message error condition codes" (HL7 v2.5 chapter 2, ERR-3; earlier MSA-6).

/// An HL7 table 0357 error condition code, as reported in ERR-3.
public struct HL7ErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The numeric code (`102`).
    public let value: Int
    /// The table's text for the code (`Data type error`).
    public let text: String

    /// Creates a code with its table text.
    public init(value: Int, text: String) {
        self.value = value
        self.text = text
    }

    /// `0` Message accepted.
    public static let messageAccepted = HL7ErrorCode(value: 0, text: "Message accepted")
    /// `100` Segment sequence error.
    public static let segmentSequenceError = HL7ErrorCode(value: 100, text: "Segment sequence error")
    /// `101` Required field missing.
    public static let requiredFieldMissing = HL7ErrorCode(value: 101, text: "Required field missing")
    /// `102` Data type error.
    public static let dataTypeError = HL7ErrorCode(value: 102, text: "Data type error")
    /// `103` Table value not found.
    public static let tableValueNotFound = HL7ErrorCode(value: 103, text: "Table value not found")
    /// `200` Unsupported message type.
    public static let unsupportedMessageType = HL7ErrorCode(value: 200, text: "Unsupported message type")
    /// `201` Unsupported event code.
    public static let unsupportedEventCode = HL7ErrorCode(value: 201, text: "Unsupported event code")
    /// `202` Unsupported processing id.
    public static let unsupportedProcessingID = HL7ErrorCode(value: 202, text: "Unsupported processing id")
    /// `203` Unsupported version id.
    public static let unsupportedVersionID = HL7ErrorCode(value: 203, text: "Unsupported version id")
    /// `204` Unknown key identifier.
    public static let unknownKeyIdentifier = HL7ErrorCode(value: 204, text: "Unknown key identifier")
    /// `205` Duplicate key identifier.
    public static let duplicateKeyIdentifier = HL7ErrorCode(value: 205, text: "Duplicate key identifier")
    /// `206` Application record locked.
    public static let applicationRecordLocked = HL7ErrorCode(value: 206, text: "Application record locked")
    /// `207` Application internal error.
    public static let applicationInternalError = HL7ErrorCode(value: 207, text: "Application internal error")

    /// `102` and its text.
    public var description: String { "\(value) \(text)" }
}
