import EncounterModel
import FHIR
import Foundation
import HTTPTypes

/// A rest-hook notification in the R4 Subscriptions Backport form (FHIR Subscriptions R5 Backport IG 1.1, "R4
/// notifications"): a `history` Bundle whose first entry is a `Parameters` SubscriptionStatus (`type`,
/// `notification-event` with `event-number` and `focus`), then the focus resources (`full-resource`) or only their
/// full URLs (`id-only`). Pure: reading the EHR for what is missing is the hook's job.
struct SubscriptionNotification: Sendable {
    /// `handshake`, `heartbeat`, `event-notification`, `query-status` or `query-event`.
    var type: String
    /// The events, in order.
    var events: [Event]
    /// The resources that came with the notification, by `Type/id` (the tail of their full URL).
    var resources: [String: JSONValue]

    /// One `notification-event`.
    struct Event: Sendable {
        /// `event-number` (a string in R4).
        var number: String
        /// The focus, `Encounter/123`.
        var focus: String
    }

    /// The most events read from one notification.
    static let maximumEvents = 20

    /// Reads a notification; the error names the element at fault.
    init(bundle: JSONValue) throws(FHIRError) {
        guard bundle["resourceType"]?.string == "Bundle" else {
            throw FHIRError(.badRequest, "invalid", "a notification is a Bundle", expression: "Bundle")
        }
        guard bundle["type"]?.string == "history" else {
            throw FHIRError(.badRequest, "invalid", "a notification Bundle has type history", expression: "Bundle.type")
        }
        let entries = bundle["entry"]?.array ?? []
        guard let status = entries.first?["resource"], status["resourceType"]?.string == "Parameters" else {
            throw FHIRError(
                .badRequest, "required", "the first entry must be the Parameters SubscriptionStatus",
                expression: "Bundle.entry[0].resource")
        }
        let parameters = status["parameter"]?.array ?? []
        guard let type = parameters.first(where: { $0["name"]?.string == "type" })?["valueCode"]?.string,
            ["handshake", "heartbeat", "event-notification", "query-status", "query-event"].contains(type)
        else {
            throw FHIRError(
                .badRequest, "required",
                "the SubscriptionStatus needs a type (handshake, heartbeat, event-notification)",
                expression: "Bundle.entry[0].resource.parameter")
        }
        self.type = type
        var events: [Event] = []
        for (index, parameter) in parameters.enumerated() where parameter["name"]?.string == "notification-event" {
            guard events.count < Self.maximumEvents else {
                throw FHIRError(.badRequest, "too-costly", "more than \(Self.maximumEvents) events in one notification")
            }
            let parts = parameter["part"]?.array ?? []
            let part = { (name: String) in parts.first { $0["name"]?.string == name } }
            let path = "Bundle.entry[0].resource.parameter[\(index)]"
            guard let numberPart = part("event-number"),
                let number = numberPart["valueString"]?.string ?? numberPart["valueInteger64"]?.string
                    ?? numberPart["valueInteger"].flatMap(Self.numberText),
                !number.isEmpty, number.count <= 20, number.allSatisfy({ $0.isASCII && $0.isNumber })
            else {
                throw FHIRError(
                    .badRequest, "required", "a notification-event needs its event-number", expression: path)
            }
            guard let focus = part("focus")?["valueReference"]?["reference"]?.string,
                let reference = Self.relative(focus), reference.hasPrefix("Encounter/")
            else {
                throw FHIRError(
                    .badRequest, "not-supported", "the focus of a notification-event must be an Encounter reference",
                    expression: path)
            }
            events.append(Event(number: number, focus: reference))
        }
        if type == "event-notification" && events.isEmpty {
            throw FHIRError(
                .badRequest, "required", "an event-notification needs a notification-event",
                expression: "Bundle.entry[0].resource.parameter")
        }
        self.events = events
        var resources: [String: JSONValue] = [:]
        for entry in entries.dropFirst() {
            guard let resource = entry["resource"], let type = resource["resourceType"]?.string else { continue }
            if let id = resource["id"]?.string { resources["\(type)/\(id)"] = resource }
            if let url = entry["fullUrl"]?.string, let key = Self.relative(url) { resources[key] = resource }
        }
        self.resources = resources
    }

    static func numberText(_ value: JSONValue) -> String? {
        if case .number(let text) = value { return text }
        return nil
    }

    /// `Type/id` of a reference or full URL (`https://ehr/fhir/Encounter/1/_history/2` → `Encounter/1`), or `nil`
    /// when it names no resource by id.
    static func relative(_ reference: String) -> String? {
        var parts = reference.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
        if let history = parts.lastIndex(of: "_history") { parts = Array(parts[..<history]) }
        guard parts.count >= 2, let type = parts.dropLast().last, let id = parts.last,
            type.first?.isUppercase == true, type.allSatisfy({ $0.isASCII && $0.isLetter }),
            (1...64).contains(id.count),
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
        else { return nil }
        return "\(type)/\(id)"
    }
}
