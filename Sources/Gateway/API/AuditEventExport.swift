import Foundation
import Store

/// Audit records as FHIR R4 AuditEvent resources: a RESTful operation (`rest`) with its interaction subtype (and,
/// for an operator's action, NoteBridge's own action code: `outbox-retry`, `key-revoke`, ...), the API key (or, for
/// the `notebridge` CLI, the local OS user) as the requesting agent, NoteBridge as the observing application server, and the note and the action's target (an
/// outbox row, a journal entry, an API key, a destination; the rows it changed as a detail) as entities. Records
/// hold no PHI, and neither do the events.
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

    struct Detail: Encodable {
        var type: String
        var valueString: String
    }

    struct Entity: Encodable {
        var what: Reference
        var type: Coding
        var detail: [Detail]?
    }

    /// The identifier system of the OS user who acted through the `notebridge` CLI (an audit record of channel `cli`).
    static let localUserSystem = "urn:notebridge:local-user"

    /// The code system of NoteBridge's own audit actions (``AuditRecord/Action`` raw values).
    static let actionSystem = "urn:notebridge:audit-action"

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
        // The FHIR action (C/R/U/D) and RESTful interaction of each record's action.
        let (action, interaction): (String, String) =
            switch record.action {
            case .create, .keyCreate: ("C", "create")
            case .read: ("R", "read")
            case .delete, .outboxPurge: ("D", "delete")
            case .outboxRetry, .outboxRetryDead, .keyRevoke: ("U", "update")
            }
        var subtype = [
            Coding(system: "http://hl7.org/fhir/restful-interaction", code: interaction, display: interaction)
        ]
        if record.action.isAdministrative {
            subtype.append(Coding(system: actionSystem, code: record.action.rawValue, display: nil))
        }
        var entities: [Entity] = []
        let systemObject = Coding(
            system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2", display: "System Object")
        if let note = record.noteID {
            entities.append(
                Entity(
                    what: Reference(identifier: Identifier(system: "urn:notebridge:note", value: note), display: nil),
                    type: systemObject))
        }
        if record.target != nil || record.affected != nil {
            // `kind:id` becomes the identifier `urn:notebridge:<kind>` | id.
            let parts = record.target.map { $0.split(separator: ":", maxSplits: 1).map(String.init) }
            let what =
                if let parts, parts.count == 2 {
                    Reference(
                        identifier: Identifier(system: "urn:notebridge:\(parts[0])", value: parts[1]), display: nil)
                } else {
                    Reference(identifier: nil, display: record.target ?? "every matching outbox row")
                }
            entities.append(
                Entity(
                    what: what, type: systemObject,
                    detail: record.affected.map { [Detail(type: "rows", valueString: String($0))] }))
        }
        let outcome: String
        switch record.status {
        case 200..<300: outcome = "0"
        case 400..<500: outcome = "4"
        default: outcome = "8"
        }
        let prefix = OperatorAudit.Agent.localOperatorPrefix
        let who: Reference =
            if record.channel == "cli", let keyID = record.keyID, keyID.hasPrefix(prefix) {
                // An operator of the gateway's machine, through the CLI: the OS user, not a key.
                Reference(
                    identifier: Identifier(system: localUserSystem, value: String(keyID.dropFirst(prefix.count))),
                    display: "local operator \(keyID.dropFirst(prefix.count)) (notebridge CLI)")
            } else if let keyID = record.keyID {
                Reference(
                    identifier: Identifier(system: "urn:notebridge:api-key", value: keyID), display: "API key \(keyID)")
            } else {
                Reference(identifier: nil, display: "unauthenticated caller")
            }
        return AuditEvent(
            id: "nb-audit-\(record.id)",
            type: Coding(
                system: "http://terminology.hl7.org/CodeSystem/audit-event-type", code: "rest",
                display: "RESTful Operation"),
            subtype: subtype,
            action: action, recorded: NoteDocument.timestamp(record.recordedAt), outcome: outcome,
            outcomeDesc: record.errorCode.map { "HTTP \(record.status) \($0)" },
            agent: [
                Agent(who: who, requestor: true, network: record.remoteAddress.map { Network(address: $0, type: "2") })
            ],
            source: Source(
                observer: Reference(identifier: nil, display: site),
                type: [
                    Coding(
                        system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4",
                        display: "Application Server")
                ]),
            entity: entities.isEmpty ? nil : entities)
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
    public static func bundle(_ records: [AuditRecord], site: String = "NoteBridge", now: Date = Date()) throws
        -> [UInt8]
    {
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
