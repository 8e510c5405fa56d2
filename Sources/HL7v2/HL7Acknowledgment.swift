import Foundation

// The ACK message (HL7 v2.5 chapter 2, sections 2.9 and 2.14.1): MSH with sender and receiver swapped,
// MSA (MSA-1 code, MSA-2 the acknowledged MSH-10) and, from v2.5, one ERR per error (ERR-2 location,
// ERR-3 table 0357 code, ERR-4 severity, ERR-7 diagnostic, ERR-8 user message). Before v2.5 the reason
// goes into MSA-3.

/// One error reported in an acknowledgment.
public struct HL7AcknowledgmentError: Hashable, Sendable {
    /// ERR-4 severity (HL7 table 0516).
    public enum Severity: String, Hashable, Sendable {
        /// `E`: error.
        case error = "E"
        /// `W`: warning.
        case warning = "W"
        /// `I`: information.
        case information = "I"
        /// `F`: fatal error.
        case fatal = "F"
    }

    /// ERR-3: the table 0357 code.
    public var code: HL7ErrorCode
    /// ERR-4.
    public var severity: Severity
    /// ERR-2: where, when known.
    public var location: HL7Location?
    /// ERR-7/ERR-8: what is wrong, never quoting message content.
    public var diagnostic: String

    /// Creates an error.
    public init(code: HL7ErrorCode, severity: Severity = .error, location: HL7Location? = nil, diagnostic: String) {
        self.code = code
        self.severity = severity
        self.location = location
        self.diagnostic = diagnostic
    }

    /// The error an acknowledgment reports for a parse failure.
    public init(_ error: HL7ParseError) {
        self.init(
            code: error.acknowledgmentErrorCode, severity: .error, location: error.location,
            diagnostic: "\(error.code): \(error.reason)")
    }
}

/// Builds acknowledgment messages.
public struct HL7AcknowledgmentBuilder: Sendable {
    /// MSH-3 of acknowledgments when the received MSH-5 is empty.
    public var applicationName: String
    /// MSH-4 of acknowledgments when the received MSH-6 is empty.
    public var facilityName: String

    /// Creates a builder.
    public init(applicationName: String = "NOTEBRIDGE", facilityName: String = "") {
        self.applicationName = applicationName
        self.facilityName = facilityName
    }

    /// Builds the acknowledgment of a received message.
    ///
    /// - Parameters:
    ///   - header: the received header (from the parsed message or probed from bytes that did not parse).
    ///   - code: MSA-1.
    ///   - errors: reported in ERR segments (v2.5+) or MSA-3 (earlier versions).
    ///   - controlID: MSH-10 of the acknowledgment itself.
    ///   - date: MSH-7.
    public func acknowledgment(
        for header: HL7ReceivedHeader, code: HL7AcknowledgmentCode, errors: [HL7AcknowledgmentError] = [],
        controlID: String, date: Date = Date()
    ) -> [UInt8] {
        let delimiters = header.delimiters
        let version = header.version.isEmpty || !HL7Version.isSupported(header.version) ? "2.5" : header.version
        // Echo the sender's version; a value that is not a version number is not echoed.
        let looksNumeric = header.version.count <= 8 && header.version.allSatisfy { $0.isNumber || $0 == "." }
        let echoVersion = header.version.isEmpty || !looksNumeric ? version : header.version
        func escaped(_ text: String) -> [UInt8] {
            HL7Escaping.encode(text, delimiters: delimiters, characterSet: .ascii)
        }
        var fields: [[UInt8]] = []
        fields.append(
            header.receivingApplication.isEmpty ? escaped(applicationName) : Array(header.receivingApplication.utf8))
        fields.append(header.receivingFacility.isEmpty ? escaped(facilityName) : Array(header.receivingFacility.utf8))
        fields.append(Array(header.sendingApplication.utf8))
        fields.append(Array(header.sendingFacility.utf8))
        fields.append(Array(Self.timestamp(date).utf8))
        fields.append([])
        var messageType = Array("ACK".utf8)
        if HL7Version.hasTriggerEvent(version), !header.triggerEvent.isEmpty || HL7Version.hasMessageStructure(version)
        {
            messageType.append(delimiters.component)
            messageType.append(contentsOf: escaped(header.triggerEvent))
        }
        if HL7Version.hasMessageStructure(version) {
            messageType.append(delimiters.component)
            messageType.append(contentsOf: "ACK".utf8)
        }
        fields.append(messageType)
        fields.append(escaped(controlID))
        fields.append(header.processingID.isEmpty ? Array("P".utf8) : Array(header.processingID.utf8))
        fields.append(escaped(echoVersion))
        let characterSet = Self.echoedCharacterSet(of: header)
        if header.isEnhancedMode || !characterSet.isEmpty {
            fields.append([])  // MSH-13
            fields.append([])  // MSH-14
            fields.append(header.isEnhancedMode ? Array("NE".utf8) : [])
            fields.append(header.isEnhancedMode ? Array("NE".utf8) : [])
            if !characterSet.isEmpty {
                fields.append([])  // MSH-17
                fields.append(Array(characterSet.utf8))
            }
        }
        var output = Array("MSH".utf8)
        output.append(delimiters.field)
        output.append(contentsOf: delimiters.encodingCharacters)
        for field in fields {
            output.append(delimiters.field)
            output.append(contentsOf: field)
        }
        output.append(HL7Byte.carriageReturn)

        output.append(contentsOf: "MSA".utf8)
        output.append(delimiters.field)
        output.append(contentsOf: code.rawValue.utf8)
        output.append(delimiters.field)
        output.append(contentsOf: escaped(header.controlID))
        let usesERR = HL7Version.usesErrorSegment(version)
        if !usesERR, let first = errors.first {
            output.append(delimiters.field)
            output.append(contentsOf: escaped(Self.summary(of: first)))
        }
        output.append(HL7Byte.carriageReturn)

        if usesERR {
            for error in errors {
                output.append(contentsOf: "ERR".utf8)
                output.append(delimiters.field)  // ERR-1 (deprecated in v2.5) empty
                output.append(delimiters.field)
                if let location = error.location {
                    let components = location.errorLocationComponents.map { escaped($0) }
                    output.append(contentsOf: components.joined(separator: [delimiters.component]))
                }
                output.append(delimiters.field)
                output.append(contentsOf: String(error.code.value).utf8)
                output.append(delimiters.component)
                output.append(contentsOf: escaped(error.code.text))
                output.append(delimiters.component)
                output.append(contentsOf: "HL70357".utf8)
                output.append(delimiters.field)
                output.append(contentsOf: error.severity.rawValue.utf8)
                output.append(delimiters.field)  // ERR-5
                output.append(delimiters.field)  // ERR-6
                output.append(delimiters.field)
                output.append(contentsOf: escaped(error.diagnostic))  // ERR-7 diagnostic information
                output.append(delimiters.field)
                output.append(contentsOf: escaped(Self.summary(of: error)))  // ERR-8 user message
                output.append(HL7Byte.carriageReturn)
            }
        }
        return output
    }

    /// MSH-18 of the received header when its first repetition names a character set this parser reads, else empty.
    ///
    /// The acknowledgment is written in ASCII, which each of those contains; echoing anything else (a value that
    /// slid into MSH-18 because segment terminators were missing, or a set such as UTF-16) would declare a
    /// character set the acknowledgment is not written in, and make it unreadable, to this parser too.
    static func echoedCharacterSet(of header: HL7ReceivedHeader) -> String {
        let delimiters = header.delimiters
        let first = header.characterSet.utf8.prefix { $0 != delimiters.repetition && $0 != delimiters.component }
        guard HL7CharacterSet(msh18: String(decoding: first, as: UTF8.self)) != nil else { return "" }
        return header.characterSet
    }

    /// The one-line reason used in MSA-3 and ERR-8: code, its text and the diagnostic.
    static func summary(of error: HL7AcknowledgmentError) -> String {
        var text = "\(error.code.value) \(error.code.text)"
        if let location = error.location { text += " at \(location)" }
        return "\(text): \(error.diagnostic)"
    }

    /// MSH-7: `YYYYMMDDHHMMSS.SSS+0000` in UTC.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds / 1000
        let days = seconds / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(Int64(secondOfDay / 3600), 2)
            + pad(Int64(secondOfDay % 3600 / 60), 2) + pad(Int64(secondOfDay % 60), 2) + "."
            + pad(milliseconds % 1000, 3) + "+0000"
    }
}
