import Foundation

/// The compact binary layout of a stored ``NoteRecord``: what ``NoteRecord/encoded()`` writes since JSON cost the
/// pipeline and the delivery workers a noticeable share of their CPU for each note (the record carries the whole
/// transcript). Records stored as JSON by earlier builds still decode: ``NoteRecord/decoded(from:)`` tells them
/// apart by their first byte (`{`).
///
/// ```
/// "NBR" 0x01        magic and layout version of this encoding (not the record's own `version`)
/// fields            in declaration order, as below; every count and integer a LEB128 varint (signed: zigzag),
///                   every string its UTF-8 length then its bytes, an optional a 0/1 byte then the value,
///                   a date the bit pattern of its seconds since 2001-01-01 (Foundation's reference date; a
///                   Double, little-endian, so that the date reads back exactly)
/// ```
///
/// A change to ``NoteRecord`` or ``Encounter`` must change this file with it; `NoteRecordBinaryTests` round-trips
/// a record with every field set and fails when a field is left out.
extension NoteRecord {
    /// The first bytes of a binary record.
    static let binaryMagic: [UInt8] = [0x4E, 0x42, 0x52, 0x01]

    /// The record in the binary layout.
    func binaryEncoded() -> [UInt8] {
        var writer = BinaryRecordWriter()
        writer.bytes.reserveCapacity(1024 + encounter.transcript.text.utf8.count * 2)
        writer.bytes += Self.binaryMagic
        writer.int(version)
        writer.string(id)
        writer.date(createdAt)
        writer.encounter(encounter)
        writer.code(documentType)
        writer.count(sections.count)
        for section in sections {
            writer.string(section.key)
            writer.string(section.title)
            writer.code(section.code)
            writer.strings(section.lines)
        }
        writer.count(diagnoses.count)
        for diagnosis in diagnoses {
            writer.string(diagnosis.code)
            writer.string(diagnosis.description)
            writer.int(diagnosis.rank)
        }
        writer.count(procedures.count)
        for procedure in procedures {
            writer.string(procedure.code)
            writer.string(procedure.system)
            writer.string(procedure.label)
            writer.strings(procedure.modifiers)
            writer.int(procedure.units)
            writer.int(procedure.rank)
        }
        return writer.bytes
    }

    /// Reads a record written by ``binaryEncoded()``.
    static func binaryDecoded(from bytes: [UInt8]) throws(NoteRecordError) -> NoteRecord {
        var reader = BinaryRecordReader(bytes: bytes, position: binaryMagic.count)
        let version = try reader.int()
        let id = try reader.string()
        let createdAt = try reader.date()
        let encounter = try reader.encounter()
        let documentType = try reader.code()
        var sections: [Section] = []
        for _ in 0..<(try reader.count()) {
            sections.append(
                Section(
                    key: try reader.string(), title: try reader.string(), code: try reader.code(),
                    lines: try reader.strings()))
        }
        var diagnoses: [Diagnosis] = []
        for _ in 0..<(try reader.count()) {
            diagnoses.append(
                Diagnosis(code: try reader.string(), description: try reader.string(), rank: try reader.int()))
        }
        var procedures: [Procedure] = []
        for _ in 0..<(try reader.count()) {
            procedures.append(
                Procedure(
                    code: try reader.string(), system: try reader.string(), label: try reader.string(),
                    modifiers: try reader.strings(), units: try reader.int(), rank: try reader.int()))
        }
        guard reader.position == bytes.count else { throw BinaryRecordReader.malformed }
        var record = NoteRecord(
            id: id, createdAt: createdAt, encounter: encounter, documentType: documentType, sections: sections,
            diagnoses: diagnoses, procedures: procedures)
        record.version = version
        return record
    }
}

/// Appends the binary layout's values (see `NoteRecord+Binary.swift`).
struct BinaryRecordWriter {
    var bytes: [UInt8] = []

    mutating func count(_ value: Int) {
        var rest = UInt64(max(0, value))
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func int(_ value: Int) { int64(Int64(value)) }

    mutating func int64(_ value: Int64) {
        var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func strings(_ values: [String]) {
        count(values.count)
        for value in values { string(value) }
    }

    mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    mutating func date(_ value: Date) {
        withUnsafeBytes(of: value.timeIntervalSinceReferenceDate.bitPattern.littleEndian) {
            bytes.append(contentsOf: $0)
        }
    }

    mutating func code(_ value: NoteRecord.Code) {
        string(value.code)
        string(value.display)
        string(value.system)
    }

    mutating func name(_ value: Encounter.PersonName) {
        string(value.family)
        string(value.given)
        string(value.middle)
    }

    mutating func provider(_ value: Encounter.Provider?) {
        bool(value != nil)
        guard let value else { return }
        string(value.id)
        name(value.name)
    }

    mutating func encounter(_ value: Encounter) {
        count(value.patient.identifiers.count)
        for identifier in value.patient.identifiers {
            string(identifier.value)
            string(identifier.assigningAuthority)
            string(identifier.type)
        }
        bool(value.patient.name != nil)
        if let patientName = value.patient.name { name(patientName) }
        string(value.patient.birthDate)
        string(value.patient.sex)
        string(value.visit.number)
        string(value.visit.patientClass)
        string(value.visit.location.pointOfCare)
        string(value.visit.location.room)
        string(value.visit.location.bed)
        string(value.visit.location.facility)
        string(value.visit.hospitalService)
        string(value.visit.start)
        string(value.visit.end)
        provider(value.attending)
        provider(value.author)
        string(value.specialty)
        string(value.template)
        bool(value.options.includeBillingCodes)
        bool(value.options.includePatientSummary)
        optionalString(value.options.patientStatus)
        bool(value.context.age != nil)
        if let age = value.context.age { int(age) }
        strings(value.context.medications)
        strings(value.context.allergies)
        strings(value.context.history)
        string(value.transcript.text)
        string(value.transcript.source.rawValue)
        string(value.transcript.kind.rawValue)
        string(value.origin.channel.rawValue)
        string(value.origin.sender)
        string(value.origin.messageType)
        string(value.origin.controlID)
        bool(value.origin.journalID != nil)
        if let journalID = value.origin.journalID { int64(journalID) }
    }
}

/// Reads the binary layout's values, refusing anything that runs past the end or is out of range.
struct BinaryRecordReader {
    let bytes: [UInt8]
    var position: Int

    static let malformed = NoteRecordError(reason: "the stored note cannot be decoded")

    mutating func varint() throws(NoteRecordError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw Self.malformed
    }

    mutating func count() throws(NoteRecordError) -> Int {
        let value = try varint()
        // Every counted item takes at least one byte.
        guard value <= UInt64(bytes.count - position) else { throw Self.malformed }
        return Int(value)
    }

    mutating func int64() throws(NoteRecordError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func int() throws(NoteRecordError) -> Int {
        let value = try int64()
        guard let int = Int(exactly: value) else { throw Self.malformed }
        return int
    }

    mutating func bool() throws(NoteRecordError) -> Bool {
        guard position < bytes.count, bytes[position] <= 1 else { throw Self.malformed }
        defer { position += 1 }
        return bytes[position] == 1
    }

    mutating func string() throws(NoteRecordError) -> String {
        let length = try count()
        let end = position + length
        guard let value = String(validating: bytes[position..<end], as: UTF8.self) else { throw Self.malformed }
        position = end
        return value
    }

    mutating func strings() throws(NoteRecordError) -> [String] {
        var values: [String] = []
        for _ in 0..<(try count()) { values.append(try string()) }
        return values
    }

    mutating func optionalString() throws(NoteRecordError) -> String? {
        try bool() ? try string() : nil
    }

    mutating func date() throws(NoteRecordError) -> Date {
        guard bytes.count - position >= 8 else { throw Self.malformed }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        let seconds = Double(bitPattern: bits)
        guard seconds.isFinite else { throw Self.malformed }
        return Date(timeIntervalSinceReferenceDate: seconds)
    }

    mutating func code() throws(NoteRecordError) -> NoteRecord.Code {
        NoteRecord.Code(code: try string(), display: try string(), system: try string())
    }

    mutating func name() throws(NoteRecordError) -> Encounter.PersonName {
        Encounter.PersonName(family: try string(), given: try string(), middle: try string())
    }

    mutating func provider() throws(NoteRecordError) -> Encounter.Provider? {
        guard try bool() else { return nil }
        return Encounter.Provider(id: try string(), name: try name())
    }

    mutating func value<T: RawRepresentable<String>>(_: T.Type) throws(NoteRecordError) -> T {
        guard let value = T(rawValue: try string()) else { throw Self.malformed }
        return value
    }

    mutating func encounter() throws(NoteRecordError) -> Encounter {
        var identifiers: [Encounter.Identifier] = []
        for _ in 0..<(try count()) {
            identifiers.append(
                Encounter.Identifier(value: try string(), assigningAuthority: try string(), type: try string()))
        }
        let patientName = try bool() ? try name() : nil
        let patient = Encounter.Patient(
            identifiers: identifiers, name: patientName, birthDate: try string(), sex: try string())
        let number = try string()
        let patientClass = try string()
        let location = Encounter.Location(
            pointOfCare: try string(), room: try string(), bed: try string(), facility: try string())
        let visit = Encounter.Visit(
            number: number, patientClass: patientClass, location: location, hospitalService: try string(),
            start: try string(), end: try string())
        let attending = try provider()
        let author = try provider()
        let specialty = try string()
        let template = try string()
        let options = Encounter.Options(
            includeBillingCodes: try bool(), includePatientSummary: try bool(), patientStatus: try optionalString())
        let age = try bool() ? try int() : nil
        let context = Encounter.ClinicalContext(
            age: age, medications: try strings(), allergies: try strings(), history: try strings())
        let transcript = Encounter.Transcript(
            text: try string(), source: try value(Encounter.Transcript.Source.self),
            kind: try value(Encounter.Transcript.Kind.self))
        let channel = try value(Encounter.Origin.Channel.self)
        let origin = Encounter.Origin(
            channel: channel, sender: try string(), messageType: try string(), controlID: try string(),
            journalID: try bool() ? try int64() : nil)
        return Encounter(
            patient: patient, visit: visit, attending: attending, author: author, specialty: specialty,
            template: template, options: options, context: context, transcript: transcript, origin: origin)
    }
}
