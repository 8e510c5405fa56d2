// HL7 v2 inbound mapping (HL7 v2.5.1 chapter 2 section 2.7 escape sequences, chapter 3 PID and PV1, chapter 7 OBR
// and OBX, chapter 9 TXA): an MDM^T02 or ORU^R01 that carries a visit transcript becomes one `Encounter`.

import EncounterModel
import HL7v2

/// Reads an `Encounter` out of a parsed HL7 v2 message, from the fields its ``Configuration`` names (an
/// `mappings/hl7-in/*.yaml` file, or the built-in defaults that `mappings/hl7-in/default.yaml` spells out): by default
/// the transcript from OBX-5 of TX, FT and ST observations (repetitions and segments joined line by line in order,
/// `\.br\` and the FT formatting commands honoured), or from NTE-3 when no observation carries text; the patient from
/// PID-3/5/7/8; the visit from PV1-19/2/3/10; the attending from PV1-7; the author from TXA-5, TXA-9, OBR-16 or
/// PV1-7; the specialty from a table keyed by PV1-10. Pure: no I/O. Errors name what is missing, never the content.
public struct HL7EncounterReader: Sendable {
    /// A field of a segment: `PID-3`, `ZTX-1`.
    public struct FieldReference: Sendable, Hashable, CustomStringConvertible {
        /// The segment name.
        public var segment: String
        /// The 1-based field number.
        public var field: Int

        /// Creates a reference.
        public init(_ segment: String, _ field: Int) {
            self.segment = segment
            self.field = field
        }

        /// Reads `SEG-n` (upper-case letters and digits, field 1 to 999); `nil` otherwise.
        public init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 3,
                parts[0].utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }),
                let field = Int(parts[1]), (1...999).contains(field)
            else { return nil }
            self.init(String(parts[0]), field)
        }

        /// `PID-3`.
        public var description: String { "\(segment)-\(field)" }
    }

    /// Where the transcript may come from; the first source in ``Configuration/transcriptSources`` that carries text
    /// is used.
    public enum TranscriptSource: Sendable, Hashable, CustomStringConvertible {
        /// OBX-5 of the observations whose value type is one of ``Configuration/observationValueTypes``.
        case observations
        /// NTE-3 comments.
        case notes
        /// A field of every occurrence of a segment (a Z-segment: `ZTX-3`), read as formatted text.
        case segment(FieldReference)

        /// `observations`, `notes` or the field.
        public var description: String {
            switch self {
            case .observations: "observations"
            case .notes: "notes"
            case .segment(let field): field.description
            }
        }
    }

    /// What the reader reads, and where from.
    public struct Configuration: Sendable, Hashable {
        /// Specialty values by the value of ``specialtyKey`` (by default PV1-10, the hospital service), compared
        /// upper-cased.
        public var specialtyByHospitalService: [String: String]
        /// The specialty when the key's value is empty or not in the table.
        public var defaultSpecialty: String
        /// The note layout.
        public var template: String
        /// What to add to the note.
        public var options: Encounter.Options
        /// Fewer words than this is "transcript too short".
        public var minimumTranscriptWords: Int
        /// More characters than this is "transcript too long".
        public var maximumTranscriptCharacters: Int
        /// Where the transcript comes from, in order of preference.
        public var transcriptSources: [TranscriptSource] = [.observations, .notes]
        /// The observation value types read: TX, FT, ST, CE and CWE carry text; ED carries a recording (encapsulated
        /// audio, Base64), which the gateway transcribes when no observation carries text.
        public var observationValueTypes: Set<String> = ["TX", "FT", "ST"]
        /// The patient's identifiers (CX, every repetition).
        public var patientIdentifiers = FieldReference("PID", 3)
        /// The patient's name (XPN, the first repetition).
        public var patientName = FieldReference("PID", 5)
        /// The birth date.
        public var birthDate = FieldReference("PID", 7)
        /// The administrative sex.
        public var sex = FieldReference("PID", 8)
        /// The visit number.
        public var visitNumber = FieldReference("PV1", 19)
        /// The patient class.
        public var patientClass = FieldReference("PV1", 2)
        /// The assigned location (PL).
        public var location = FieldReference("PV1", 3)
        /// The hospital service.
        public var hospitalService = FieldReference("PV1", 10)
        /// The start of the visit.
        public var visitStart = FieldReference("PV1", 44)
        /// The end of the visit.
        public var visitEnd = FieldReference("PV1", 45)
        /// The attending clinician (XCN), when read.
        public var attending: FieldReference? = FieldReference("PV1", 7)
        /// The author: the first of these fields that names a clinician (XCN).
        public var authors: [FieldReference] = [
            FieldReference("TXA", 5), FieldReference("TXA", 9), FieldReference("OBR", 16), FieldReference("PV1", 7),
        ]
        /// The field whose value keys the specialty table: PV1-10 (hospital service) or MSH-4 (sending facility).
        public var specialtyKey = FieldReference("PV1", 10)

        /// The defaults.
        public init(
            specialtyByHospitalService: [String: String] = Self.defaultSpecialties,
            defaultSpecialty: String = "generic",
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

    /// Everything of an encounter but the transcript: what an ADT message tells, or a transcript message around its
    /// text.
    public struct Context: Sendable, Hashable, Codable {
        /// The patient.
        public var patient: Encounter.Patient
        /// The visit.
        public var visit: Encounter.Visit
        /// The attending clinician.
        public var attending: Encounter.Provider?
        /// The author.
        public var author: Encounter.Provider?
        /// The specialty.
        public var specialty: String
        /// Whether the specialty came from the table (not the default).
        public var specialtyIsMapped: Bool

        /// Creates a context.
        public init(
            patient: Encounter.Patient, visit: Encounter.Visit, attending: Encounter.Provider?,
            author: Encounter.Provider?, specialty: String, specialtyIsMapped: Bool
        ) {
            self.patient = patient
            self.visit = visit
            self.attending = attending
            self.author = author
            self.specialty = specialty
            self.specialtyIsMapped = specialtyIsMapped
        }
    }

    /// The configuration in force.
    public var configuration: Configuration

    /// Creates a reader.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The encounter of `message`; `journalID` is recorded in its origin. A message whose transcript is a recording
    /// (an ED observation) is refused with ``EncounterReadError/Code/recordingNotTranscribed``: read it with
    /// ``reading(from:journalID:maximumAudioBytes:)``.
    public func encounter(from message: HL7Message, journalID: Int64? = nil) throws(EncounterReadError) -> Encounter {
        let reading = try self.reading(from: message, journalID: journalID, maximumAudioBytes: 0)
        guard reading.recording == nil else {
            throw EncounterReadError(
                .recordingNotTranscribed, "the transcript is a recording (OBX-5 of an ED observation), not text")
        }
        return reading.encounter
    }

    /// The encounter of `message` and, when its transcript is a recording (an ED observation and no text before it in
    /// the configured sources), the recording: the encounter's transcript is then empty, of kind speech-to-text,
    /// until the recording is transcribed. A recording larger than `maximumAudioBytes` once decoded is refused.
    public func reading(
        from message: HL7Message, journalID: Int64? = nil, maximumAudioBytes: Int
    ) throws(EncounterReadError) -> Reading {
        guard let header = message.segment("MSH").flatMap(MSHSegment.init) else {
            throw EncounterReadError(.missingSegment, "the message has no MSH segment")
        }
        guard message.segment(configuration.patientIdentifiers.segment) != nil else {
            throw EncounterReadError(
                .missingSegment, "the message has no \(configuration.patientIdentifiers.segment) segment (patient)")
        }
        let content = try self.transcript(of: message, maximumAudioBytes: maximumAudioBytes)
        let transcript: Encounter.Transcript
        let recording: HL7EncapsulatedData?
        switch content {
        case .text(let text):
            (transcript, recording) = (text, nil)
        case .recording(let audio):
            transcript = Encounter.Transcript(text: "", source: .hl7Observation, kind: .speechToText)
            recording = audio
        }
        let context = self.context(from: message)
        // A patient with no identifier but a family name is kept: a FHIR destination matches it to the EHR's Patient
        // by name and birth date, exactly or not at all (the dead letter). With neither there is no one to match.
        guard !context.patient.identifiers.isEmpty || !(context.patient.name?.family.isEmpty ?? true) else {
            throw EncounterReadError(
                .missingField,
                "\(configuration.patientIdentifiers) (patient identifier) and the patient's name are empty")
        }
        let messageType =
            header.triggerEvent.isEmpty ? header.messageCode : "\(header.messageCode)^\(header.triggerEvent)"
        let encounter = Encounter(
            patient: context.patient, visit: context.visit, attending: context.attending, author: context.author,
            specialty: context.specialty, template: configuration.template, options: configuration.options,
            transcript: transcript,
            origin: Encounter.Origin(
                channel: .mllp,
                sender: "\(header.sendingApplication.namespaceID)|\(header.sendingFacility.namespaceID)",
                messageType: messageType, controlID: header.controlID, journalID: journalID))
        return Reading(encounter: encounter, recording: recording)
    }

    /// The patient, visit, clinicians and specialty of `message`, from the configured fields (empty when absent).
    public func context(from message: HL7Message) -> Context {
        func segment(_ reference: FieldReference) -> HL7Segment? { message.segment(reference.segment) }
        func string(_ reference: FieldReference) -> String { segment(reference)?.string(reference.field) ?? "" }
        let identifiers =
            (segment(configuration.patientIdentifiers)?.repetitions(configuration.patientIdentifiers.field) ?? [])
            .map(HL7Identifier.init).filter { !$0.id.isEmpty }
            .map { Encounter.Identifier(value: $0.id, assigningAuthority: $0.assigningAuthority, type: $0.typeCode) }
        let name = segment(configuration.patientName)?.repetitions(configuration.patientName.field).first
            .map { HL7PersonName($0) }
        let patient = Encounter.Patient(
            identifiers: identifiers,
            name: name.map { Encounter.PersonName(family: $0.family, given: $0.given, middle: $0.middle) },
            birthDate: string(configuration.birthDate), sex: string(configuration.sex))
        let location = HL7PatientLocation(
            segment(configuration.location)?.repetitions(configuration.location.field).first)
        let visit = Encounter.Visit(
            number: string(configuration.visitNumber), patientClass: string(configuration.patientClass),
            location: Encounter.Location(
                pointOfCare: location.pointOfCare, room: location.room, bed: location.bed, facility: location.facility),
            hospitalService: string(configuration.hospitalService), start: string(configuration.visitStart),
            end: string(configuration.visitEnd))
        let attending = configuration.attending.flatMap { reference in
            segment(reference).flatMap { Self.firstProvider($0, field: reference.field) }
        }
        var author: Encounter.Provider?
        for reference in configuration.authors {
            if let found = segment(reference).flatMap({ Self.firstProvider($0, field: reference.field) }) {
                author = found
                break
            }
        }
        let key = string(configuration.specialtyKey).uppercased()
        let mapped = configuration.specialtyByHospitalService[key]
        return Context(
            patient: patient, visit: visit, attending: attending, author: author,
            specialty: mapped ?? configuration.defaultSpecialty, specialtyIsMapped: mapped != nil)
    }

    /// Whether the specialty of `message` comes from the table keyed by its hospital service (or sending facility),
    /// rather than the default: what ``Context/specialtyIsMapped`` says, without reading the rest of the context.
    public func specialtyIsMapped(in message: HL7Message) -> Bool {
        let reference = configuration.specialtyKey
        let key = (message.segment(reference.segment)?.string(reference.field) ?? "").uppercased()
        return configuration.specialtyByHospitalService[key] != nil
    }

    /// The transcript: from the first configured source that carries text, or the recording of an ED observation
    /// when the observations source carries none.
    func transcript(
        of message: HL7Message, maximumAudioBytes: Int
    ) throws(EncounterReadError) -> TranscriptContent {
        var text = ""
        var source = Encounter.Transcript.Source.hl7Observation
        for candidate in configuration.transcriptSources {
            var lines: [String] = []
            var characters = 0
            func add(_ line: String) throws(EncounterReadError) {
                characters += Self.characterCount(line) + 1
                guard characters <= configuration.maximumTranscriptCharacters else {
                    throw EncounterReadError(
                        .transcriptTooLong,
                        "the transcript is longer than \(configuration.maximumTranscriptCharacters) characters")
                }
                lines.append(line)
            }
            switch candidate {
            case .observations:
                for segment in message.segments(named: "OBX") {
                    guard let obx = OBXSegment(segment), obx.valueType.uppercased() != "ED",
                        configuration.observationValueTypes.contains(obx.valueType.uppercased()),
                        let field = segment.field(5), !field.isEmpty
                    else { continue }
                    let formatted = obx.valueType.uppercased() == "FT"
                    for repetition in field.repetitions {
                        try add(
                            Self.text(repetition.encodedValue, delimiters: message.delimiters, formatted: formatted))
                    }
                }
            case .notes:
                for segment in message.segments(named: "NTE") {
                    guard let field = segment.field(3), !field.isEmpty else { continue }
                    for repetition in field.repetitions {
                        try add(Self.text(repetition.encodedValue, delimiters: message.delimiters, formatted: true))
                    }
                }
            case .segment(let reference):
                for segment in message.segments(named: reference.segment) {
                    guard let field = segment.field(reference.field), !field.isEmpty else { continue }
                    for repetition in field.repetitions {
                        try add(Self.text(repetition.encodedValue, delimiters: message.delimiters, formatted: true))
                    }
                }
            }
            let joined = lines.joined(separator: "\n").trimmingWhitespace()
            if joined.isEmpty, candidate == .observations, configuration.observationValueTypes.contains("ED"),
                let recording = try self.recording(in: message, maximumBytes: maximumAudioBytes)
            {
                return .recording(recording)
            }
            if !joined.isEmpty {
                text = joined
                switch candidate {
                case .observations: source = .hl7Observation
                case .notes, .segment: source = .hl7Note
                }
                break
            }
        }
        guard !text.isEmpty else {
            let names = configuration.transcriptSources.map(sourceDescription).joined(separator: " or ")
            throw EncounterReadError(.noTranscript, "no transcript: no \(names) carries text")
        }
        let words = Self.wordCount(text)
        guard words >= configuration.minimumTranscriptWords else {
            throw EncounterReadError(
                .transcriptTooShort,
                "the transcript has \(words) words; at least \(configuration.minimumTranscriptWords) are needed")
        }
        return .text(Encounter.Transcript(text: text, source: source, kind: .text))
    }

    /// `text.count`, counted over the bytes when the text is ASCII (a carriage return and line feed being one
    /// character), as a transcript of thousands of lines is.
    static func characterCount(_ text: String) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            guard byte < 0x80 else { return text.count }
            if byte != 0x0A || previous != 0x0D { count += 1 }
            previous = byte
        }
        return count
    }

    /// The number of whitespace-separated words of `text` (`text.split(whereSeparator: \.isWhitespace).count`),
    /// counted over the bytes when the text is ASCII, without making the words.
    static func wordCount(_ text: String) -> Int {
        var words = 0
        var inWord = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return text.split(whereSeparator: { $0.isWhitespace }).count }
            // The ASCII characters with the Unicode White_Space property: tab, line feed, vertical tab, form feed,
            // carriage return and space.
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                inWord = false
            } else if !inWord {
                inWord = true
                words += 1
            }
        }
        return words
    }

    /// How a transcript source is named in a failure reason.
    func sourceDescription(_ source: TranscriptSource) -> String {
        switch source {
        case .observations:
            let types =
                ["TX", "FT", "ST"].filter(configuration.observationValueTypes.contains)
                + configuration.observationValueTypes.subtracting(["TX", "FT", "ST"]).sorted()
            let list =
                types.count > 1
                ? types.dropLast().joined(separator: ", ") + " or " + (types.last ?? "") : types.joined()
            return "\(list) observation (OBX-5)"
        case .notes: return "NTE comment"
        case .segment(let field): return "\(field) field"
        }
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
