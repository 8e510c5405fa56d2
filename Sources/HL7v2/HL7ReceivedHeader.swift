/// What an acknowledgment needs from the message it answers: the delimiters and the MSH fields, as ER7
/// text. Read from a parsed message, or probed leniently from bytes that did not parse.
public struct HL7ReceivedHeader: Hashable, Sendable {
    /// The received message's delimiters (the acknowledgment uses the same).
    public var delimiters: HL7Delimiters
    /// MSH-3 as ER7.
    public var sendingApplication: String
    /// MSH-4 as ER7.
    public var sendingFacility: String
    /// MSH-5 as ER7.
    public var receivingApplication: String
    /// MSH-6 as ER7.
    public var receivingFacility: String
    /// MSH-9.1.
    public var messageCode: String
    /// MSH-9.2.
    public var triggerEvent: String
    /// MSH-10.
    public var controlID: String
    /// MSH-11 as ER7.
    public var processingID: String
    /// MSH-12.1.
    public var version: String
    /// MSH-15.
    public var acceptAcknowledgmentType: String
    /// MSH-16.
    public var applicationAcknowledgmentType: String
    /// MSH-18 as ER7.
    public var characterSet: String

    /// A header for bytes in which no MSH could be read at all.
    public static let unknown = HL7ReceivedHeader(
        delimiters: .standard, sendingApplication: "", sendingFacility: "", receivingApplication: "",
        receivingFacility: "", messageCode: "", triggerEvent: "", controlID: "", processingID: "", version: "",
        acceptAcknowledgmentType: "", applicationAcknowledgmentType: "", characterSet: "")

    /// Creates a header from its fields.
    public init(
        delimiters: HL7Delimiters, sendingApplication: String, sendingFacility: String,
        receivingApplication: String, receivingFacility: String, messageCode: String, triggerEvent: String,
        controlID: String, processingID: String, version: String, acceptAcknowledgmentType: String,
        applicationAcknowledgmentType: String, characterSet: String
    ) {
        self.delimiters = delimiters
        self.sendingApplication = sendingApplication
        self.sendingFacility = sendingFacility
        self.receivingApplication = receivingApplication
        self.receivingFacility = receivingFacility
        self.messageCode = messageCode
        self.triggerEvent = triggerEvent
        self.controlID = controlID
        self.processingID = processingID
        self.version = version
        self.acceptAcknowledgmentType = acceptAcknowledgmentType
        self.applicationAcknowledgmentType = applicationAcknowledgmentType
        self.characterSet = characterSet
    }

    /// Reads the header of a parsed message.
    public init(message: HL7Message) {
        let header = message.segments.first
        func encoded(_ field: Int) -> String { header?.field(field)?.encodedValue ?? "" }
        func value(_ field: Int, _ component: Int = 1) -> String {
            header?.field(field)?.repetition(1)?.component(component)?.value ?? ""
        }
        self.init(
            delimiters: message.delimiters, sendingApplication: encoded(3), sendingFacility: encoded(4),
            receivingApplication: encoded(5), receivingFacility: encoded(6), messageCode: value(9, 1),
            triggerEvent: value(9, 2), controlID: value(10), processingID: encoded(11), version: value(12),
            acceptAcknowledgmentType: value(15), applicationAcknowledgmentType: value(16),
            characterSet: encoded(18))
    }

    /// Reads what it can of the first segment of bytes that may not parse, so that a NAK can still name the
    /// message it answers. Returns `nil` when the bytes do not start with `MSH` and a field separator, or when MSH-2
    /// is unusable and the field separator is one of the standard encoding characters `^~\&`.
    public init?(probing bytes: [UInt8], maximumBytes: Int = 8_192) {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, [0x0D, 0x0A, 0x20, 0x09].contains(bytes[start]) { start += 1 }
        guard start + 4 <= bytes.count, bytes[start..<(start + 3)].elementsEqual("MSH".utf8),
            HL7Delimiters.isDelimiterCandidate(bytes[start + 3])
        else { return nil }
        let separator = bytes[start + 3]
        var end = start
        let limit = min(bytes.count, start + maximumBytes)
        while end < limit, bytes[end] != HL7Byte.carriageReturn, bytes[end] != HL7Byte.lineFeed { end += 1 }
        let line = bytes[start..<end]
        let fields = line.split(separator: separator, omittingEmptySubsequences: false).map {
            // Keep printable text only: the values are copied into an acknowledgment.
            String(decoding: $0.filter { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self)
        }
        // fields[0] is "MSH", fields[1] MSH-2, fields[n] MSH-(n+1).
        func field(_ number: Int) -> String { number - 1 < fields.count ? fields[number - 1] : "" }
        var delimiters = HL7Delimiters.standard
        if let declared = HL7Delimiters(field: separator, encodingCharacters: Array(field(2).utf8)) {
            delimiters = declared
        } else if HL7Delimiters.standard.encodingCharacters.contains(separator) {
            // MSH-2 is unusable and the separator is one of the standard encoding characters: no delimiters both
            // read these bytes and make an acknowledgment that parses, so the header is unknown.
            return nil
        } else {
            delimiters.field = separator
        }
        func firstComponent(_ text: String) -> String {
            let component = Character(UnicodeScalar(delimiters.component))
            let repetition = Character(UnicodeScalar(delimiters.repetition))
            return String(text.prefix { $0 != component && $0 != repetition })
        }
        let messageType = field(9).split(
            separator: Character(UnicodeScalar(delimiters.component)), omittingEmptySubsequences: false)
        self.init(
            delimiters: delimiters, sendingApplication: field(3), sendingFacility: field(4),
            receivingApplication: field(5), receivingFacility: field(6),
            messageCode: messageType.first.map(String.init) ?? "",
            triggerEvent: messageType.count > 1 ? String(messageType[1]) : "",
            controlID: String(firstComponent(field(10)).prefix(199)), processingID: field(11),
            version: firstComponent(field(12)), acceptAcknowledgmentType: firstComponent(field(15)),
            applicationAcknowledgmentType: firstComponent(field(16)), characterSet: field(18))
    }

    /// Whether the sender asked for enhanced-mode acknowledgments: MSH-15 or MSH-16 holds a table 0155 code
    /// (`AL`, `NE`, `ER`, `SU`). Any other value (for instance text that slid into MSH-15 because segment
    /// terminators were missing) leaves the message in original mode.
    public var isEnhancedMode: Bool {
        HL7AcknowledgmentCondition(rawValue: acceptAcknowledgmentType) != nil
            || HL7AcknowledgmentCondition(rawValue: applicationAcknowledgmentType) != nil
    }

    /// The sender's identity for duplicate detection: `MSH-3|MSH-4` as ER7.
    public var senderKey: String { "\(sendingApplication)|\(sendingFacility)" }
}
