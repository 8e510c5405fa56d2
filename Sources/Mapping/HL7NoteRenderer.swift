// HL7 v2.5.1 outbound messages of a stored note: ORU^R01 (chapter 7, section 7.3.1, structure ORU_R01), MDM^T02
// (chapter 9, section 9.6.2, structure MDM_T02) and DFT^P03 (chapter 6, section 6.4.1, structure DFT_P03), built
// with the HL7v2 target's builder so that every value is escaped (chapter 2, section 2.7).

import EncounterModel
import Foundation
import HL7v2

/// Renders a ``NoteRecord`` as HL7 v2 messages for an EHR's MLLP listener. Pure: the same record, control id and
/// time give the same bytes.
///
/// ORU^R01: MSH; PID and PV1 from the encounter; OBR with OBR-4 the LOINC document type of the note; one OBX (TX) per
/// line of each section, the section coded in OBX-3 and numbered in OBX-4 (the sub-ID), OBX-11 the result status;
/// then the ICD-10-CM diagnoses in rank order, as CE observations (LOINC 29308-4) by default, which the ORU_R01
/// structure allows, or as DG1 segments for receivers that take them there (``Configuration/diagnoses``).
public struct HL7NoteRenderer: Sendable {
    /// How the receiver wants its messages.
    public struct Configuration: Sendable, Hashable {
        /// Where the diagnoses go in an ORU^R01.
        public enum DiagnosisPlacement: String, Sendable, Hashable, CaseIterable {
            /// CE observations coded LOINC 29308-4 "Diagnosis" (valid in the v2.5.1 ORU_R01 structure).
            case observations
            /// DG1 segments after the observations (not part of the v2.5.1 ORU_R01 structure; some receivers take
            /// them).
            case segments
            /// Left out.
            case none
        }

        /// MSH-3.
        public var sendingApplication: String
        /// MSH-4.
        public var sendingFacility: String
        /// MSH-5.
        public var receivingApplication: String
        /// MSH-6.
        public var receivingFacility: String
        /// MSH-11 (`P` production, `T` training, `D` debugging).
        public var processingID: String
        /// MSH-12.
        public var version: String
        /// OBR-25 and OBX-11: `F` final or `P` preliminary.
        public var resultStatus: String
        /// Where the diagnoses go.
        public var diagnoses: DiagnosisPlacement
        /// TXA-2 of MDM^T02 (HL7 table 0270; `PN` progress note).
        public var documentType: String = "PN"
        /// How the note's text is carried: TX (one OBX per line) or FT (one OBX per section, lines joined by
        /// `\.br\`).
        public var textValueType: TextValueType = .tx
        /// The longest line a receiver takes; longer lines are wrapped at word boundaries (`nil`: as written).
        public var maximumLineLength: Int? = nil
        /// Whether each section's heading (`SUBJECTIVE`) goes first, as an observation of its own.
        public var sectionHeadingObservations: Bool = false
        /// The longest OBX-5 a receiver takes, escaped (some read OBX-5 as ST: 199); FT packs a section's lines
        /// into as few observations as fit (`nil`: one per section).
        public var maximumObservationLength: Int? = nil

        /// How note text is carried in OBX-5.
        public enum TextValueType: String, Sendable, Hashable, CaseIterable {
            /// Text data: one observation per line.
            case tx = "TX"
            /// Formatted text: one observation per section, lines separated by `\.br\`.
            case ft = "FT"
        }

        /// The defaults: v2.5.1, final results, diagnoses as observations.
        public init(
            sendingApplication: String = "NOTEBRIDGE", sendingFacility: String = "", receivingApplication: String = "",
            receivingFacility: String = "", processingID: String = "P", version: String = "2.5.1",
            resultStatus: String = "F", diagnoses: DiagnosisPlacement = .observations
        ) {
            self.sendingApplication = sendingApplication
            self.sendingFacility = sendingFacility
            self.receivingApplication = receivingApplication
            self.receivingFacility = receivingFacility
            self.processingID = processingID
            self.version = version
            self.resultStatus = resultStatus
            self.diagnoses = diagnoses
        }
    }

    /// LOINC 29308-4, Diagnosis.
    static let diagnosisObservation = NoteRecord.Code(code: "29308-4", display: "Diagnosis", system: "LN")

    /// The configuration in force.
    public var configuration: Configuration

    /// Creates a renderer.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The ORU^R01 of `record`, with MSH-10 `controlID` and MSH-7 `date`.
    public func observationResult(_ record: NoteRecord, controlID: String, at date: Date) throws(HL7ParseError)
        -> [UInt8]
    {
        var message = Builder()
        try header(&message, type: ("ORU", "R01", "ORU_R01"), controlID: controlID, date: date)
        try patient(&message, record.encounter)
        try visit(&message, record.encounter)
        let time = Self.timestamp(record.createdAt)
        try message.set("OBR", 1, "1")
        try message.set("OBR", 3, record.id, component: 1)
        try message.coded("OBR", 4, record.documentType)
        try message.set("OBR", 7, time)
        try message.set("OBR", 25, configuration.resultStatus)
        var setID = try noteObservations(&message, record, time: time)
        switch configuration.diagnoses {
        case .observations:
            try diagnosisObservations(&message, record, time: time, after: &setID)
        case .segments:
            for (index, diagnosis) in record.diagnoses.enumerated() {
                try diagnosisSegment(&message, diagnosis, occurrence: index + 1)
            }
        case .none:
            break
        }
        return message.builder.encoded()
    }

    /// The MDM^T02 of `record`: EVN, PID, PV1, TXA (document type, activity time, author, the note id as the unique
    /// document number TXA-12, completion and availability status), then the note's lines as in ORU^R01.
    public func documentNotification(_ record: NoteRecord, controlID: String, at date: Date) throws(HL7ParseError)
        -> [UInt8]
    {
        var message = Builder()
        try header(&message, type: ("MDM", "T02", "MDM_T02"), controlID: controlID, date: date)
        let time = Self.timestamp(record.createdAt)
        try message.set("EVN", 1, "T02")
        try message.set("EVN", 2, Self.timestamp(date))
        try patient(&message, record.encounter)
        try visit(&message, record.encounter)
        try message.set("TXA", 1, "1")
        try message.set("TXA", 2, configuration.documentType)
        try message.set("TXA", 3, configuration.textValueType.rawValue)
        try message.set("TXA", 4, time)
        if let author = record.encounter.author ?? record.encounter.attending {
            try message.set("TXA", 5, author.id, component: 1)
            try message.name("TXA", 5, author.name, firstComponent: 2)
        }
        try message.set("TXA", 12, record.id, component: 1)
        // A machine-written note is documented (DO), or in progress (IP) when sent as preliminary; no clinician
        // has authenticated it. It is available (AV) either way.
        try message.set("TXA", 17, configuration.resultStatus == "F" ? "DO" : "IP")
        try message.set("TXA", 19, "AV")
        var setID = try noteObservations(&message, record, time: time)
        if configuration.diagnoses == .observations {
            try diagnosisObservations(&message, record, time: time, after: &setID)
        }
        return message.builder.encoded()
    }

    /// The DFT^P03 of `record`: one FT1 per CPT or HCPCS code (transaction date, type CG, code, units, modifiers,
    /// the diagnoses linked in FT1-19), then one DG1 per ICD-10-CM code in rank order; `nil` when the note has no
    /// procedure codes.
    public func financialTransaction(_ record: NoteRecord, controlID: String, at date: Date) throws(HL7ParseError)
        -> [UInt8]?
    {
        guard !record.procedures.isEmpty else { return nil }
        var message = Builder()
        try header(&message, type: ("DFT", "P03", "DFT_P03"), controlID: controlID, date: date)
        let time = Self.timestamp(record.createdAt)
        try message.set("EVN", 1, "P03")
        try message.set("EVN", 2, Self.timestamp(date))
        try patient(&message, record.encounter)
        try visit(&message, record.encounter)
        let diagnoses = record.diagnoses.sorted { $0.rank < $1.rank }
        for (index, procedure) in record.procedures.sorted(by: { $0.rank < $1.rank }).enumerated() {
            let occurrence = index + 1
            let system = procedure.system == "CPT" ? "C4" : procedure.system
            let code = NoteRecord.Code(code: procedure.code, display: procedure.label, system: system)
            try message.set("FT1", 1, String(occurrence), occurrence: occurrence)
            try message.set("FT1", 4, time, occurrence: occurrence, component: 1)
            try message.set("FT1", 6, "CG", occurrence: occurrence)
            try message.coded("FT1", 7, code, occurrence: occurrence)
            try message.set("FT1", 10, String(max(1, procedure.units)), occurrence: occurrence)
            for (offset, diagnosis) in diagnoses.enumerated() {
                let path = HL7TerserPath(segment: "FT1", occurrence: occurrence, field: 19, repetition: offset + 1)
                try message.builder.coded(
                    path, NoteRecord.Code(code: diagnosis.code, display: diagnosis.description, system: "I10"))
            }
            try message.coded("FT1", 25, code, occurrence: occurrence)
            for (offset, modifier) in procedure.modifiers.enumerated() {
                try message.set("FT1", 26, modifier, occurrence: occurrence, repetition: offset + 1, component: 1)
            }
        }
        for (index, diagnosis) in diagnoses.enumerated() {
            try diagnosisSegment(&message, diagnosis, occurrence: index + 1)
        }
        return message.builder.encoded()
    }

    /// The messages a route sends for a note, in order, with their control ids (the row's, and `M` or `D` after it
    /// for MDM^T02 and DFT^P03):
    /// the kinds asked for that apply (DFT^P03 only when there are procedure codes).
    public func messages(_ record: NoteRecord, kinds: [MessageKind], controlID: String, at date: Date)
        throws(HL7ParseError) -> [(kind: MessageKind, controlID: String, bytes: [UInt8])]
    {
        var output: [(kind: MessageKind, controlID: String, bytes: [UInt8])] = []
        for kind in kinds {
            let id = controlID + kind.controlIDSuffix
            switch kind {
            case .observationResult:
                output.append((kind, id, try observationResult(record, controlID: id, at: date)))
            case .documentNotification:
                output.append((kind, id, try documentNotification(record, controlID: id, at: date)))
            case .financialTransaction:
                if let bytes = try financialTransaction(record, controlID: id, at: date) { output.append((kind, id, bytes)) }
            case .applicationAcknowledgment:
                if let acknowledgment = ApplicationAcknowledgmentRecord(accepting: record) {
                    output.append((kind, id, try applicationAcknowledgment(acknowledgment, controlID: id, at: date)))
                }
            }
        }
        return output
    }

    /// The outbound message kinds.
    public enum MessageKind: String, Sendable, Hashable, CaseIterable {
        /// ORU^R01.
        case observationResult = "ORU^R01"
        /// MDM^T02.
        case documentNotification = "MDM^T02"
        /// DFT^P03.
        case financialTransaction = "DFT^P03"
        /// The enhanced-mode application acknowledgment (`AA` with the note's id) of the HL7 v2 message the note
        /// was written from; nothing for notes that came from elsewhere.
        case applicationAcknowledgment = "ACK"

        /// What is appended to the row's control id, so that each kind has its own MSH-10, stable across tries
        /// (ORU^R01 carries the row's control id as it is).
        var controlIDSuffix: String {
            switch self {
            case .observationResult: ""
            case .documentNotification: "M"
            case .financialTransaction: "D"
            case .applicationAcknowledgment: "A"
            }
        }
    }

    // MARK: - Segments

    /// The note's text observations (as ``observationTexts(of:)`` lays them out); returns the last set ID.
    private func noteObservations(_ message: inout Builder, _ record: NoteRecord, time: String) throws(HL7ParseError)
        -> Int
    {
        var setID = 0
        let type = configuration.textValueType.rawValue
        for (index, section) in record.sections.enumerated() {
            for text in observationTexts(of: section) {
                setID += 1
                try message.observation(
                    setID: setID, type: type, code: section.code, subID: String(index + 1),
                    status: configuration.resultStatus, time: time
                ) { (builder: inout HL7MessageBuilder, path: HL7TerserPath) throws(HL7ParseError) in
                    try builder.set(text, at: path)
                }
            }
        }
        return setID
    }

    /// The OBX-5 texts of one section, in order: its heading first when ``Configuration/sectionHeadingObservations``
    /// asks for it; then one per line (TX) or one for all lines joined by line breaks (FT, written `\.br\`); lines
    /// longer than ``Configuration/maximumLineLength`` wrapped at word boundaries first.
    public func observationTexts(of section: NoteRecord.Section) -> [String] {
        var texts: [String] = []
        if configuration.sectionHeadingObservations, !section.title.isEmpty {
            texts.append(section.title)
        }
        let lines = section.lines.flatMap { line in
            configuration.maximumLineLength.map { Self.wrap(line, width: $0) } ?? [line]
        }
        switch configuration.textValueType {
        case .tx:
            texts += lines
        case .ft:
            guard let limit = configuration.maximumObservationLength else {
                if !lines.isEmpty { texts.append(lines.joined(separator: "\n")) }
                break
            }
            var current: [String] = []
            var length = 0
            for line in lines {
                let size = HL7Escaping.encode(line, delimiters: .standard).count
                let separator = current.isEmpty ? 0 : 5  // \.br\
                if !current.isEmpty, length + separator + size > limit {
                    texts.append(current.joined(separator: "\n"))
                    current = []
                    length = 0
                }
                length += (current.isEmpty ? 0 : 5) + size
                current.append(line)
            }
            if !current.isEmpty { texts.append(current.joined(separator: "\n")) }
        }
        return texts
    }

    /// `line` cut into pieces of at most `width` characters at spaces; a word longer than `width` is cut inside.
    static func wrap(_ line: String, width: Int) -> [String] {
        guard width > 0, line.count > width else { return [line] }
        var pieces: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            while word.count > width {
                if !current.isEmpty {
                    pieces.append(current)
                    current = ""
                }
                pieces.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            if word.isEmpty { continue }
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                pieces.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private func diagnosisObservations(_ message: inout Builder, _ record: NoteRecord, time: String, after setID: inout Int)
        throws(HL7ParseError)
    {
        for diagnosis in record.diagnoses {
            setID += 1
            try message.observation(
                setID: setID, type: "CE", code: Self.diagnosisObservation, subID: String(diagnosis.rank),
                status: configuration.resultStatus, time: time
            ) { (builder: inout HL7MessageBuilder, path: HL7TerserPath) throws(HL7ParseError) in
                try builder.coded(
                    path, NoteRecord.Code(code: diagnosis.code, display: diagnosis.description, system: "I10"))
            }
        }
    }

    private func diagnosisSegment(_ message: inout Builder, _ diagnosis: NoteRecord.Diagnosis, occurrence: Int)
        throws(HL7ParseError)
    {
        try message.set("DG1", 1, String(occurrence), occurrence: occurrence)
        try message.coded(
            "DG1", 3, NoteRecord.Code(code: diagnosis.code, display: diagnosis.description, system: "I10"),
            occurrence: occurrence)
        try message.set("DG1", 6, "F", occurrence: occurrence)
        try message.set("DG1", 15, String(diagnosis.rank), occurrence: occurrence)
    }

    private func header(
        _ message: inout Builder, type: (String, String, String), controlID: String, date: Date
    ) throws(HL7ParseError) {
        try message.set("MSH", 3, configuration.sendingApplication)
        try message.set("MSH", 4, configuration.sendingFacility)
        try message.set("MSH", 5, configuration.receivingApplication)
        try message.set("MSH", 6, configuration.receivingFacility)
        try message.set("MSH", 7, Self.timestamp(date))
        try message.set("MSH", 9, type.0, component: 1)
        try message.set("MSH", 9, type.1, component: 2)
        try message.set("MSH", 9, type.2, component: 3)
        try message.set("MSH", 10, controlID)
        try message.set("MSH", 11, configuration.processingID)
        try message.set("MSH", 12, configuration.version)
    }

    private func patient(_ message: inout Builder, _ encounter: Encounter) throws(HL7ParseError) {
        let patient = encounter.patient
        try message.set("PID", 1, "1")
        for (index, identifier) in patient.identifiers.enumerated() {
            try message.set("PID", 3, identifier.value, repetition: index + 1, component: 1)
            try message.set("PID", 3, identifier.assigningAuthority, repetition: index + 1, component: 4)
            try message.set("PID", 3, identifier.type, repetition: index + 1, component: 5)
        }
        if let name = patient.name {
            try message.name("PID", 5, name, firstComponent: 1)
        }
        try message.set("PID", 7, patient.birthDate)
        try message.set("PID", 8, patient.sex)
    }

    private func visit(_ message: inout Builder, _ encounter: Encounter) throws(HL7ParseError) {
        let visit = encounter.visit
        try message.set("PV1", 1, "1")
        // PV1-2 is required; U (unknown) when the encounter did not say.
        try message.set("PV1", 2, visit.patientClass.isEmpty ? "U" : visit.patientClass)
        try message.set("PV1", 3, visit.location.pointOfCare, component: 1)
        try message.set("PV1", 3, visit.location.room, component: 2)
        try message.set("PV1", 3, visit.location.bed, component: 3)
        try message.set("PV1", 3, visit.location.facility, component: 4)
        if let attending = encounter.attending {
            try message.set("PV1", 7, attending.id, component: 1)
            try message.name("PV1", 7, attending.name, firstComponent: 2)
        }
        try message.set("PV1", 10, visit.hospitalService)
        try message.set("PV1", 19, visit.number)
    }

    /// `yyyyMMddHHmmss+0000`: HL7 DTM in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }
        return "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))\(two(parts.hour))\(two(parts.minute))"
            + "\(two(parts.second))+0000"
    }
}

/// The builder with the few shapes the renderer writes; empty values are left out.
private struct Builder {
    var builder = HL7MessageBuilder()

    mutating func set(
        _ segment: String, _ field: Int, _ value: String, occurrence: Int = 1, repetition: Int = 1,
        component: Int? = nil
    ) throws(HL7ParseError) {
        guard !value.isEmpty else { return }
        try builder.set(
            value,
            at: HL7TerserPath(
                segment: segment, occurrence: occurrence, field: field, repetition: repetition, component: component))
    }

    mutating func coded(_ segment: String, _ field: Int, _ code: NoteRecord.Code, occurrence: Int = 1)
        throws(HL7ParseError)
    {
        try set(segment, field, code.code, occurrence: occurrence, component: 1)
        try set(segment, field, code.display, occurrence: occurrence, component: 2)
        try set(segment, field, code.system, occurrence: occurrence, component: 3)
    }

    mutating func name(_ segment: String, _ field: Int, _ name: Encounter.PersonName, firstComponent: Int)
        throws(HL7ParseError)
    {
        try set(segment, field, name.family, component: firstComponent)
        try set(segment, field, name.given, component: firstComponent + 1)
        try set(segment, field, name.middle, component: firstComponent + 2)
    }

    /// One OBX: set ID, value type, identifier, sub-ID, the value written by `value`, status and time.
    mutating func observation(
        setID: Int, type: String, code: NoteRecord.Code, subID: String, status: String, time: String,
        value: (inout HL7MessageBuilder, HL7TerserPath) throws(HL7ParseError) -> Void
    ) throws(HL7ParseError) {
        try set("OBX", 1, String(setID), occurrence: setID)
        try set("OBX", 2, type, occurrence: setID)
        try coded("OBX", 3, code, occurrence: setID)
        try set("OBX", 4, subID, occurrence: setID)
        try value(&builder, HL7TerserPath(segment: "OBX", occurrence: setID, field: 5))
        try set("OBX", 11, status, occurrence: setID)
        try set("OBX", 14, time, occurrence: setID)
    }
}

extension HL7MessageBuilder {
    fileprivate mutating func coded(_ path: HL7TerserPath, _ code: NoteRecord.Code) throws(HL7ParseError) {
        for (offset, value) in [code.code, code.display, code.system].enumerated() where !value.isEmpty {
            var component = path
            component.component = offset + 1
            try set(value, at: component)
        }
    }
}
