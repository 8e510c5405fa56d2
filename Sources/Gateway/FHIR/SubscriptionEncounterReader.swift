import Crypto
import EncounterModel
import FHIR
import Foundation
import HTTPTypes
import Store

/// An EHR's Encounter, its Patient and the transcript DocumentReference (a `text/plain` attachment) as the one
/// `Encounter` every intake produces. Pure; errors name the element at fault, never a value.
enum SubscriptionEncounterReader {
    /// The largest transcript read, bytes.
    static let maximumTranscriptBytes = 1 << 20

    /// The encounter of a notification event for the subscription route `subscription`.
    static func encounter(
        encounter resource: JSONValue, patient: JSONValue?, transcript document: JSONValue,
        subscription: SubscriptionConfiguration, eventNumber: String
    ) throws(FHIRError) -> Encounter {
        guard let text = transcriptText(document) else {
            throw FHIRError(
                .unprocessableContent, "required", "the DocumentReference has no text/plain attachment to write from",
                expression: "DocumentReference.content.attachment")
        }
        var patientValue = Encounter.Patient()
        if let patient {
            let identifiers = (patient["identifier"]?.array ?? []).prefix(8)
            patientValue.identifiers = identifiers.compactMap { identifier in
                guard let value = identifier["value"]?.string, !value.isEmpty else { return nil }
                let system = identifier["system"]?.string ?? ""
                return Encounter.Identifier(
                    value: String(value.prefix(64)),
                    assigningAuthority: String(
                        (system.hasPrefix("urn:oid:") ? String(system.dropFirst(8)) : system).prefix(64)))
            }
            if let name = patient["name"]?.array?.first {
                let given = (name["given"]?.array ?? []).compactMap(\.string)
                patientValue.name = Encounter.PersonName(
                    family: String((name["family"]?.string ?? "").prefix(80)),
                    given: String((given.first ?? "").prefix(80)),
                    middle: String(given.dropFirst().joined(separator: " ").prefix(80)))
            }
            if let birthDate = patient["birthDate"]?.string, birthDate.count >= 10 {
                patientValue.birthDate = birthDate.prefix(10).filter { $0 != "-" }
            }
            switch patient["gender"]?.string {
            case "female": patientValue.sex = "F"
            case "male": patientValue.sex = "M"
            case "other": patientValue.sex = "O"
            case "unknown": patientValue.sex = "U"
            default: break
            }
        }
        var visit = Encounter.Visit()
        if let number = resource["identifier"]?.array?.first?["value"]?.string {
            visit.number = String(number.prefix(64))
        }
        switch resource["class"]?["code"]?.string {
        case "IMP", "ACUTE", "NONAC": visit.patientClass = "I"
        case "EMER": visit.patientClass = "E"
        case "AMB", "VR", "HH": visit.patientClass = "O"
        default: break
        }
        visit.start = hl7Time(resource["period"]?["start"]?.string)
        visit.end = hl7Time(resource["period"]?["end"]?.string)
        let origin = Encounter.Origin(
            channel: .fhir, sender: "subscription|\(subscription.name)",
            messageType: SubscriptionHookRoutes.messageType,
            controlID: "event-\(eventNumber)")
        return Encounter(
            patient: patientValue, visit: visit, specialty: subscription.specialty, template: subscription.template,
            transcript: Encounter.Transcript(text: text, source: .fhir), origin: origin)
    }

    /// The text of the first `text/plain` attachment with inline data, when it is valid UTF-8 within the limit.
    static func transcriptText(_ document: JSONValue) -> String? {
        for content in document["content"]?.array ?? [] {
            guard let attachment = content["attachment"],
                (attachment["contentType"]?.string ?? "").lowercased().hasPrefix("text/plain"),
                let data = attachment["data"]?.string, data.utf8.count <= maximumTranscriptBytes * 4 / 3 + 4,
                let bytes = Data(base64Encoded: data), bytes.count <= maximumTranscriptBytes,
                let text = String(data: bytes, encoding: .utf8),
                !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else { continue }
            return text
        }
        return nil
    }

    /// `YYYYMMDDHHMM` of an RFC 3339 date or dateTime (its local digits), `""` when there is none.
    static func hl7Time(_ value: String?) -> String {
        guard let value else { return "" }
        let digits = value.prefix(16).filter { $0.isASCII && $0.isNumber }
        return digits.count >= 8 ? String(digits.prefix(12)) : ""
    }

    /// What makes a repeat of an event a duplicate: the DocumentReference's first identifier (or its
    /// masterIdentifier), else the encounter and the event number; hashed, so that the journal's control id holds no
    /// identifier value.
    static func deduplicationKey(document: JSONValue, encounter: String, eventNumber: String) -> String {
        let identifier = document["identifier"]?.array?.first ?? document["masterIdentifier"]
        let key: String
        if let value = identifier?["value"]?.string {
            key = "\(identifier?["system"]?.string ?? "")|\(value)"
        } else {
            key = "\(encounter)|event-\(eventNumber)"
        }
        return "FHIR-" + Hex.encode(SHA256.hash(data: Array(key.utf8)))
    }
}
