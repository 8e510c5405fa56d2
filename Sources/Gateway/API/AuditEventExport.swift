import Foundation
import Store

/// Audit records as FHIR R4 AuditEvent resources: a RESTful operation (`rest`) with its interaction subtype,
/// the API key as the requesting agent, NoteBridge as the observing application server, and the note as the
/// entity. Records hold no PHI, and neither do the events.
public enum AuditEventExport {
    struct Coding: Encodable {
        var system: String
        var code: String
        var display: String?
    }

    struct Identifier: Encodable {
        var system: String
        var value: String
    }

    struct Reference: Encodable {
        var identifier: Identifier?
        var display: String?
    }

    struct Network: Encodable {
        var address: String
        var type: String
    }

    struct Agent: Encodable {
        var who: Reference
        var requestor: Bool
        var network: Network?
    }

    struct Source: Encodable {
        var observer: Reference
        var type: [Coding]
    }

    struct Entity: Encodable {
        var what: Reference
        var type: Coding
    }

    struct AuditEvent: Encodable {
        var resourceType = "AuditEvent"
        var id: String
        var type: Coding
        var subtype: [Coding]
        var action: String
        var recorded: String
        var outcome: String
        var outcomeDesc: String?
        var agent: [Agent]
        var source: Source
        var entity: [Entity]?
    }

    struct Bundle: Encodable {
        struct Entry: Encodable {
            var fullUrl: String
            var resource: AuditEvent
        }

        var resourceType = "Bundle"
        var type = "collection"
        var timestamp: String
        var total: Int?
        var entry: [Entry]
    }

    /// The AuditEvent of one record.
    static func event(_ record: AuditRecord, site: String) -> AuditEvent {
        let action: String
        switch record.action {
        case .create: action = "C"
        case .read: action = "R"
        case .delete: action = "D"
        }
        let outcome: String
        switch record.status {
        case 200..<300: outcome = "0"
        case 400..<500: outcome = "4"
        default: outcome = "8"
        }
        let who =
            record.keyID.map {
                Reference(identifier: Identifier(system: "urn:notebridge:api-key", value: $0), display: "API key \($0)")
            } ?? Reference(identifier: nil, display: "unauthenticated caller")
        return AuditEvent(
            id: "nb-audit-\(record.id)",
            type: Coding(
                system: "http://terminology.hl7.org/CodeSystem/audit-event-type", code: "rest", display: "RESTful Operation"),
            subtype: [
                Coding(
                    system: "http://hl7.org/fhir/restful-interaction", code: record.action.rawValue,
                    display: record.action.rawValue)
            ],
            action: action, recorded: NoteDocument.timestamp(record.recordedAt), outcome: outcome,
            outcomeDesc: record.errorCode.map { "HTTP \(record.status) \($0)" },
            agent: [Agent(who: who, requestor: true, network: record.remoteAddress.map { Network(address: $0, type: "2") })],
            source: Source(
                observer: Reference(identifier: nil, display: site),
                type: [
                    Coding(
                        system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4",
                        display: "Application Server")
                ]),
            entity: record.noteID.map { note in
                [
                    Entity(
                        what: Reference(identifier: Identifier(system: "urn:notebridge:note", value: note), display: nil),
                        type: Coding(
                            system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2",
                            display: "System Object"))
                ]
            })
    }

    /// One AuditEvent per line (FHIR bulk-data NDJSON).
    public static func ndjson(_ records: [AuditRecord], site: String = "NoteBridge") throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for record in records {
            bytes += try encoder.encode(event(record, site: site))
            bytes.append(0x0A)
        }
        return bytes
    }

    /// A `collection` Bundle of AuditEvents.
    public static func bundle(_ records: [AuditRecord], site: String = "NoteBridge", now: Date = Date()) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .prettyPrinted]
        let bundle = Bundle(
            timestamp: NoteDocument.timestamp(now), total: nil,
            entry: records.map {
                Bundle.Entry(fullUrl: "urn:notebridge:audit:\($0.id)", resource: event($0, site: site))
            })
        return Array(try encoder.encode(bundle))
    }
}
