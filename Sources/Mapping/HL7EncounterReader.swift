// HL7 v2 inbound mapping (HL7 v2.5.1 chapter 2 section 2.7 escape sequences, chapter 3 PID and PV1, chapter 7 OBR
// and OBX, chapter 9 TXA): an MDM^T02 or ORU^R01 that carries a visit transcript becomes one `Encounter`.

import EncounterModel
import HL7v2

/// Reads an `Encounter` out of a parsed HL7 v2 message: the transcript from OBX-5 of TX, FT and ST observations
/// (repetitions and segments joined line by line in order, `\.br\` and the FT formatting commands honoured), or from
/// NTE-3 when no observation carries text; the patient from PID-3/5/7/8; the visit from PV1-19/2/3/10; the attending
/// from PV1-7; the author from TXA-5, TXA-9, OBR-16 or PV1-7; the specialty from a table keyed by PV1-10.
/// Pure: no I/O. Errors name what is missing, never the content.
public struct HL7EncounterReader: Sendable {
    /// What the reader does beyond the fixed field positions.
    public struct Configuration: Sendable, Hashable {
        /// Specialty values by hospital service (PV1-10), compared upper-cased.
        public var specialtyByHospitalService: [String: String]
        /// The specialty when PV1-10 is empty or not in the table.
        public var defaultSpecialty: String
        /// The note layout.
        public var template: String
        /// What to add to the note.
        public var options: Encounter.Options
        /// Fewer words than this is "transcript too short".
        public var minimumTranscriptWords: Int
        /// More characters than this is "transcript too long".
        public var maximumTranscriptCharacters: Int

        /// The defaults.
        public init(
            specialtyByHospitalService: [String: String] = Self.defaultSpecialties, defaultSpecialty: String = "generic",
            template: String = "standard", options: Encounter.Options = Encounter.Options(),
            minimumTranscriptWords: Int = 3, maximumTranscriptCharacters: Int = 200_000
        ) {
            self.specialtyByHospitalService = specialtyByHospitalService
            self.defaultSpecialty = defaultSpecialty
            self.template = template
            self.options = options
            self.minimumTranscriptWords = minimumTranscriptWords
            self.maximumTranscriptCharacters = maximumTranscriptCharacters
        }

        /// Common hospital service codes (HL7 table 0069 and usual local ones) and the specialty they write for.
        public static let defaultSpecialties: [String: String] = [
            "MED": "physician", "SUR": "physician", "CAR": "physician", "PUL": "physician", "URO": "physician",
            "PSY": "psychiatrist", "PSYCH": "psychiatrist", "BEH": "psychotherapist",
            "PT": "physical_therapy", "OT": "occupational_therapy", "SLP": "slp", "DEN": "dentist",
            "CHI": "chiropractor", "POD": "podiatrist", "NUR": "registered_nurse", "PHA": "pharmacy",
            "NUT": "dietitian_nutritionist", "EMS": "ems", "GEN": "genetic_counselling", "SW": "social_worker",
        ]
    }

    /// The observation value types that carry text.
    static let textValueTypes: Set<String> = ["TX", "FT", "ST"]

    /// The configuration in force.
    public var configuration: Configuration

    /// Creates a reader.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The encounter of `message`; `journalID` is recorded in its origin.
    public func encounter(from message: HL7Message, journalID: Int64? = nil) throws(EncounterReadError) -> Encounter {
        guard let header = message.segment("MSH").flatMap(MSHSegment.init) else {
            throw EncounterReadError(.missingSegment, "the message has no MSH segment")
        }
        guard let pid = message.segment("PID").flatMap(PIDSegment.init) else {
            throw EncounterReadError(.missingSegment, "the message has no PID segment (patient)")
        }
        let transcript = try self.transcript(of: message)
        let patient = Encounter.Patient(
            identifiers: pid.identifiers.filter { !$0.id.isEmpty }.map {
                Encounter.Identifier(value: $0.id, assigningAuthority: $0.assigningAuthority, type: $0.typeCode)
            },
            name: pid.names.first.map { Encounter.PersonName(family: $0.family, given: $0.given, middle: $0.middle) },
            birthDate: pid.dateOfBirth, sex: pid.administrativeSex)
        guard !patient.identifiers.isEmpty else {
            throw EncounterReadError(.missingField, "PID-3 (patient identifier) is empty")
        }
        let pv1 = message.segment("PV1").flatMap(PV1Segment.init)
        var visit = Encounter.Visit()
        var attending: Encounter.Provider?
        if let pv1 {
            let location = pv1.assignedLocation
            visit = Encounter.Visit(
                number: pv1.visitNumber, patientClass: pv1.patientClass,
                location: Encounter.Location(
                    pointOfCare: location.pointOfCare, room: location.room, bed: location.bed,
                    facility: location.facility),
                hospitalService: pv1.hospitalService, start: pv1.admitDateTime, end: pv1.dischargeDateTime)
            attending = Self.firstProvider(pv1.segment, field: 7)
        }
        let txa = message.segment("TXA")
        let obr = message.segment("OBR")
        let author =
            txa.flatMap { Self.firstProvider($0, field: 5) } ?? txa.flatMap { Self.firstProvider($0, field: 9) }
            ?? obr.flatMap { Self.firstProvider($0, field: 16) } ?? attending
        let service = visit.hospitalService.uppercased()
        let specialty = configuration.specialtyByHospitalService[service] ?? configuration.defaultSpecialty
        let messageType = header.triggerEvent.isEmpty ? header.messageCode : "\(header.messageCode)^\(header.triggerEvent)"
        return Encounter(
            patient: patient, visit: visit, attending: attending, author: author, specialty: specialty,
            template: configuration.template, options: configuration.options, transcript: transcript,
            origin: Encounter.Origin(
                channel: .mllp,
                sender: "\(header.sendingApplication.namespaceID)|\(header.sendingFacility.namespaceID)",
                messageType: messageType, controlID: header.controlID, journalID: journalID))
    }

    /// The transcript: text observations first, NTE comments when there are none.
    func transcript(of message: HL7Message) throws(EncounterReadError) -> Encounter.Transcript {
        var lines: [String] = []
        var characters = 0
        func add(_ line: String) throws(EncounterReadError) {
            characters += line.count + 1
            guard characters <= configuration.maximumTranscriptCharacters else {
                throw EncounterReadError(
                    .transcriptTooLong,
                    "the transcript is longer than \(configuration.maximumTranscriptCharacters) characters")
            }
            lines.append(line)
        }
        for segment in message.segments(named: "OBX") {
            guard let obx = OBXSegment(segment), Self.textValueTypes.contains(obx.valueType.uppercased()),
                let field = segment.field(5), !field.isEmpty
            else { continue }
            let formatted = obx.valueType.uppercased() == "FT"
            for repetition in field.repetitions {
                try add(Self.text(repetition.encodedValue, delimiters: message.delimiters, formatted: formatted))
            }
        }
        var source = Encounter.Transcript.Source.hl7Observation
        if lines.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) {
            lines = []
            characters = 0
            source = .hl7Note
            for segment in message.segments(named: "NTE") {
                guard let field = segment.field(3), !field.isEmpty else { continue }
                for repetition in field.repetitions {
                    try add(Self.text(repetition.encodedValue, delimiters: message.delimiters, formatted: true))
                }
            }
        }
        let text = lines.joined(separator: "\n").trimmingWhitespace()
        guard !text.isEmpty else {
            throw EncounterReadError(
                .noTranscript, "no transcript: no TX, FT or ST observation (OBX-5) or NTE comment carries text")
        }
        let words = text.split(whereSeparator: { $0.isWhitespace }).count
        guard words >= configuration.minimumTranscriptWords else {
            throw EncounterReadError(
                .transcriptTooShort,
                "the transcript has \(words) words; at least \(configuration.minimumTranscriptWords) are needed")
        }
        return Encounter.Transcript(text: text, source: source, kind: .text)
    }

    /// The text of one OBX-5 or NTE-3 repetition: the formatting commands of FT (`\.br\`, `\.sp\` as line breaks;
    /// `\.in\`, `\.ti\`, `\.fi\`, `\.nf\`, `\.ce\`, `\.sk\` dropped) resolved on the encoded text, so that an escaped
    /// backslash (`\E\`) is never mistaken for one; then the escape sequences decoded. Components are text.
    static func text(_ encoded: String, delimiters: HL7Delimiters, formatted: Bool) -> String {
        let bytes = Array(encoded.utf8)
        let escape = delimiters.escape
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == escape, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "."),
                let close = bytes[(index + 1)...].firstIndex(of: escape)
            else {
                // Not a formatting command: copy the byte, or a whole escape sequence so that its closing escape
                // character is not read as an opening one.
                if byte == escape, let close = bytes[(index + 1)...].firstIndex(of: escape) {
                    output.append(contentsOf: bytes[index...close])
                    index = close + 1
                } else {
                    output.append(byte)
                    index += 1
                }
                continue
            }
            let command = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
            if command == "br" || command.hasPrefix("sp") {
                output.append(UInt8(ascii: "\n"))
            } else if !formatted {
                output.append(contentsOf: bytes[index...close])
            }
            index = close + 1
        }
        return HL7Escaping.decode(output, delimiters: delimiters, characterSet: .utf8)
    }

    /// The first clinician of an XCN field: component 1 the id, 2–4 the family, given and middle names.
    static func firstProvider(_ segment: HL7Segment, field number: Int) -> Encounter.Provider? {
        guard let field = segment.field(number), !field.isEmpty, let repetition = field.repetition(1) else {
            return nil
        }
        func component(_ index: Int) -> String { repetition.component(index)?.value ?? "" }
        let provider = Encounter.Provider(
            id: component(1),
            name: Encounter.PersonName(family: component(2), given: component(3), middle: component(4)))
        return provider.isEmpty ? nil : provider
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
