import EncounterModel
import FHIR
import Foundation
import Scribe

/// The identifier systems a stored note's patient, visit and clinician are written with, so that an EHR finds its
/// own records by them (conditional create and update by identifier).
public struct NoteFHIRIdentifierSystems: Sendable, Hashable {
    /// The system of patient identifiers; `nil` derives one from the identifier's assigning authority (PID-3.4):
    /// `urn:oid:<authority>` for an OID, `urn:notebridge:id:<authority>` otherwise.
    public var patient: String?
    /// The system of visit numbers (PV1-19).
    public var encounter: String
    /// The system of clinician identifiers (an NPI's is `http://hl7.org/fhir/sid/us-npi`).
    public var practitioner: String

    /// Creates the systems.
    public init(
        patient: String? = nil, encounter: String = "urn:notebridge:visit",
        practitioner: String = "http://hl7.org/fhir/sid/us-npi"
    ) {
        self.patient = patient
        self.encounter = encounter
        self.practitioner = practitioner
    }

    /// The system of a patient identifier assigned by `authority`.
    func patientSystem(authority: String) -> String {
        if let patient { return patient }
        let cleaned = String(
            authority.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }.prefix(64))
        if cleaned.isEmpty { return "urn:notebridge:id:local" }
        if cleaned.first?.isNumber == true, cleaned.allSatisfy({ $0.isNumber || $0 == "." }) {
            return "urn:oid:\(cleaned)"
        }
        return "urn:notebridge:id:\(cleaned)"
    }
}

extension NoteFHIRInput {
    /// The input of a stored note (what the outbox delivers): its sections, codes and specialty, and Patient,
    /// Encounter and Practitioner resources made from its encounter, each with an identifier (the patient's primary
    /// identifier, the visit number, the author's or attending's id) so that a server matches its own records.
    public init(record: NoteRecord, identifiers: NoteFHIRIdentifierSystems = NoteFHIRIdentifierSystems()) {
        let base = String(record.id.dropFirst("note_".count))
        let encounter = record.encounter
        let parts = record.sections.map { Part(key: $0.key, title: $0.title, text: $0.lines.joined(separator: "\n")) }
        let diagnoses = record.diagnoses.sorted { $0.rank < $1.rank }.map {
            Diagnosis(code: $0.code, description: $0.description)
        }
        let services = record.procedures.sorted { $0.rank < $1.rank }.map {
            Service(
                isCPT: $0.system.uppercased() == "CPT", code: $0.code, label: $0.label, modifiers: $0.modifiers,
                units: $0.units)
        }
        var patient: JSONValue?
        if let primary = encounter.patient.primaryIdentifier, !primary.value.isEmpty {
            patient = .make([
                "resourceType": "Patient", "id": .string("nb-\(base)-pat"),
                "identifier": .array(
                    encounter.patient.identifiers.filter { !$0.value.isEmpty }.map { identifier in
                        .make([
                            "system": .string(identifiers.patientSystem(authority: identifier.assigningAuthority)),
                            "value": .string(identifier.value),
                        ])
                    }),
                "name": encounter.patient.name.flatMap(Self.humanName).map { [$0] },
                "gender": Self.gender(encounter.patient.sex).map(JSONValue.string),
                "birthDate": Self.fhirDate(encounter.patient.birthDate).map(JSONValue.string),
            ])
        }
        var visit: JSONValue?
        if !encounter.visit.number.isEmpty {
            let (code, display) = Self.encounterClass(encounter.visit.patientClass)
            let start = Self.fhirDateTime(encounter.visit.start)
            let end = Self.fhirDateTime(encounter.visit.end)
            visit = .make([
                "resourceType": "Encounter", "id": .string("nb-\(base)-enc"),
                "identifier": [
                    .make(["system": .string(identifiers.encounter), "value": .string(encounter.visit.number)])
                ],
                "status": "finished",
                "class": .make([
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": .string(code),
                    "display": .string(display),
                ]),
                "subject": patient == nil ? nil : .make(["reference": .string("Patient/nb-\(base)-pat")]),
                "period": start == nil && end == nil
                    ? nil : .make(["start": start.map(JSONValue.string), "end": end.map(JSONValue.string)]),
            ])
        }
        var practitioner: JSONValue?
        if let clinician = [encounter.author, encounter.attending].compactMap({ $0 }).first(where: { !$0.id.isEmpty }) {
            practitioner = .make([
                "resourceType": "Practitioner", "id": .string("nb-\(base)-prac"),
                "identifier": [.make(["system": .string(identifiers.practitioner), "value": .string(clinician.id)])],
                "name": Self.humanName(clinician.name).map { [$0] },
            ])
        }
        self.init(
            specialty: Specialty(rawValue: encounter.specialty) ?? .generic, parts: parts, diagnoses: diagnoses,
            services: services, noteID: record.id, date: NoteFHIRRenderer.timestamp(record.createdAt), patient: patient,
            encounter: visit, practitioner: practitioner)
    }

    /// A HumanName, or `nil` when the name is empty.
    static func humanName(_ name: Encounter.PersonName) -> JSONValue? {
        guard !name.isEmpty else { return nil }
        let given = [name.given, name.middle].filter { !$0.isEmpty }.map(JSONValue.string)
        return .make([
            "family": name.family.isEmpty ? nil : .string(name.family), "given": given.isEmpty ? nil : .array(given),
        ])
    }

    /// FHIR administrative gender of HL7 table 0001.
    static func gender(_ sex: String) -> String? {
        switch sex.uppercased() {
        case "F": "female"
        case "M": "male"
        case "O", "A", "N": "other"
        case "U": "unknown"
        default: nil
        }
    }

    /// The v3 ActCode encounter class of an HL7 patient class (PV1-2); ambulatory when unknown.
    static func encounterClass(_ patientClass: String) -> (String, String) {
        switch patientClass.uppercased() {
        case "I": ("IMP", "inpatient encounter")
        case "E": ("EMER", "emergency")
        case "P": ("PRENC", "pre-admission")
        default: ("AMB", "ambulatory")
        }
    }

    /// `YYYY-MM-DD` of an HL7 date (`YYYYMMDD…`), or `nil` when it is not one.
    public static func fhirDate(_ hl7: String) -> String? {
        let digits = Array(hl7.prefix(8))
        guard digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"
    }

    /// An RFC 3339 dateTime of an HL7 DTM (`YYYYMMDDHHMM[SS]`, UTC when no offset is given), a date alone for
    /// `YYYYMMDD`, or `nil` when it is neither.
    static func fhirDateTime(_ hl7: String) -> String? {
        guard let date = fhirDate(hl7) else { return nil }
        let rest = Array(hl7.dropFirst(8))
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard digits.count >= 4 else { return date }
        let hour = String(digits[0..<2])
        let minute = String(digits[2..<4])
        let second = digits.count >= 6 ? String(digits[4..<6]) : "00"
        guard let h = Int(hour), h < 24, let m = Int(minute), m < 60, let s = Int(second), s < 60 else { return date }
        var offset = "Z"
        if let sign = rest.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = Array(rest[(sign + 1)...].prefix(4))
            if zone.count == 4, zone.allSatisfy({ $0.isASCII && $0.isNumber }) {
                offset = "\(rest[sign])\(String(zone[0..<2])):\(String(zone[2..<4]))"
            }
        }
        return "\(date)T\(hour):\(minute):\(second)\(offset)"
    }
}

extension NoteFHIRInput {
    /// Links the note to a Patient the server already has (`Patient/<id>`), for a patient with no identifier to
    /// write a Patient by: the note's resources and its Encounter (when it names no subject) reference it. Does nothing
    /// when the input has a Patient resource of its own.
    public mutating func linkExistingPatient(_ reference: String) {
        guard patient == nil else { return }
        patientReference = reference
        if case .object(var members) = encounter, !members.contains(where: { $0.key == "subject" }) {
            members.append(JSONMember("subject", .make(["reference": .string(reference)])))
            encounter = .object(members)
        }
    }
}

extension NoteFHIRRenderer {
    /// `2026-11-29T10:15:00.123Z`: a note's creation time as an instant.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
