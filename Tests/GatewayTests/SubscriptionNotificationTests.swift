import EncounterModel
import FHIR
import Foundation
import Testing

@testable import Gateway

@Suite("Subscription notifications: the R4 Backport form, and the encounter they become")
struct SubscriptionNotificationTests {
    static func bundle(
        type: String = "history", status: String = "event-notification", focus: String = "Encounter/e1",
        number: JSONValue = "3", extra: [JSONValue] = []
    ) -> JSONValue {
        .make([
            "resourceType": "Bundle", "type": .string(type),
            "entry": .array(
                [
                    .make([
                        "resource": .make([
                            "resourceType": "Parameters",
                            "parameter": [
                                .make(["name": "type", "valueCode": .string(status)]),
                                .make([
                                    "name": "notification-event",
                                    "part": [
                                        .make(["name": "event-number", "valueString": number]),
                                        .make(["name": "focus", "valueReference": .make(["reference": .string(focus)])]
                                        ),
                                    ],
                                ]),
                            ],
                        ])
                    ])
                ] + extra),
        ])
    }

    @Test("an event notification: its number, its focus relative, the resources that came along by Type/id")
    func event() throws {
        let encounter: JSONValue = .make(["resourceType": "Encounter", "id": "e1"])
        let notification = try SubscriptionNotification(
            bundle: Self.bundle(
                focus: "https://ehr.example.org/fhir/Encounter/e1/_history/2",
                extra: [.make(["fullUrl": "https://ehr.example.org/fhir/Encounter/e1", "resource": encounter])]))
        #expect(notification.type == "event-notification")
        #expect(notification.events.map(\.number) == ["3"] && notification.events.map(\.focus) == ["Encounter/e1"])
        #expect(notification.resources["Encounter/e1"] == encounter)
    }

    @Test(
        "bad notifications name the element at fault",
        arguments: [
            (bundle(type: "collection"), "Bundle.type"),
            (bundle(status: "wake-up"), "Bundle.entry[0].resource.parameter"),
            (bundle(focus: "Patient/p1"), "Bundle.entry[0].resource.parameter[1]"),
            (bundle(focus: "Encounter/../../etc"), "Bundle.entry[0].resource.parameter[1]"),
            (bundle(number: "three"), "Bundle.entry[0].resource.parameter[1]"),
            (JSONValue.make(["resourceType": "Bundle", "type": "history"]), "Bundle.entry[0].resource"),
            (JSONValue.make(["resourceType": "Patient"]), "Bundle"),
        ])
    func refusals(bundle: JSONValue, expression: String) {
        #expect { try SubscriptionNotification(bundle: bundle) } throws: { error in
            (error as? FHIRError)?.expression == expression
        }
    }

    static let subscription = SubscriptionConfiguration(
        name: "visits", source: "ehr", secret: String(repeating: "s", count: 16), destinations: ["ehr"],
        specialty: "physician", template: "standard")

    @Test("the Encounter, Patient and transcript become one Encounter; no text/plain transcript is a 422")
    func encounter() throws {
        let document: JSONValue = .make([
            "resourceType": "DocumentReference",
            "content": [
                .make([
                    "attachment": .make([
                        "contentType": "text/html", "data": .string(Data("<p>x</p>".utf8).base64EncodedString()),
                    ])
                ]),
                .make([
                    "attachment": .make([
                        "contentType": "text/plain; charset=utf-8",
                        "data": .string(Data("Knee pain.".utf8).base64EncodedString()),
                    ])
                ]),
            ],
        ])
        let patient: JSONValue = .make([
            "resourceType": "Patient", "identifier": [.make(["system": "urn:oid:1.2.3", "value": "MRN1"])],
            "name": [.make(["family": "Doe", "given": ["Jane", "Q"]])], "gender": "female", "birthDate": "1980-02-14",
        ])
        let visit: JSONValue = .make([
            "resourceType": "Encounter", "identifier": [.make(["value": "V1"])], "class": .make(["code": "EMER"]),
            "period": .make(["start": "2026-11-01T09:30:00Z"]),
        ])
        let encounter = try SubscriptionEncounterReader.encounter(
            encounter: visit, patient: patient, transcript: document, subscription: Self.subscription, eventNumber: "3")
        #expect(encounter.transcript.text == "Knee pain.")
        #expect(encounter.patient.identifiers == [Encounter.Identifier(value: "MRN1", assigningAuthority: "1.2.3")])
        #expect(encounter.patient.name == Encounter.PersonName(family: "Doe", given: "Jane", middle: "Q"))
        #expect(encounter.patient.birthDate == "19800214" && encounter.patient.sex == "F")
        #expect(
            encounter.visit.number == "V1" && encounter.visit.patientClass == "E"
                && encounter.visit.start == "202611010930")
        #expect(encounter.specialty == "physician" && encounter.origin.channel == .fhir)
        #expect(throws: FHIRError.self) {
            try SubscriptionEncounterReader.encounter(
                encounter: visit, patient: nil, transcript: .make(["resourceType": "DocumentReference"]),
                subscription: Self.subscription, eventNumber: "3")
        }
        // The duplicate key: the document's identifier when it has one, hashed.
        let identified: JSONValue = .make(["identifier": [.make(["system": "urn:x", "value": "DOC-1"])]])
        let key = SubscriptionEncounterReader.deduplicationKey(
            document: identified, encounter: "Encounter/e1", eventNumber: "3")
        #expect(
            key
                == SubscriptionEncounterReader.deduplicationKey(
                    document: identified, encounter: "Encounter/e2", eventNumber: "9"))
        #expect(!key.contains("DOC-1") && key.hasPrefix("FHIR-") && key.count == 69)
        #expect(
            SubscriptionEncounterReader.deduplicationKey(document: .null, encounter: "Encounter/e1", eventNumber: "3")
                != SubscriptionEncounterReader.deduplicationKey(
                    document: .null, encounter: "Encounter/e1", eventNumber: "4"))
    }

    @Test("only the route's bearer secret passes")
    func secret() {
        let secret = "0123456789abcdef"
        #expect(SubscriptionHookRoutes.authorized("Bearer 0123456789abcdef", secret: secret))
        #expect(!SubscriptionHookRoutes.authorized("Bearer 0123456789abcdeF", secret: secret))
        #expect(!SubscriptionHookRoutes.authorized("Bearer 0123456789abcde", secret: secret))
        #expect(!SubscriptionHookRoutes.authorized("Basic 0123456789abcdef", secret: secret))
        #expect(!SubscriptionHookRoutes.authorized(nil, secret: secret))
    }

    @Test(
        "subscription configuration mistakes name their key",
        arguments: [
            ("subscriptions:\n  v:\n    secret: 0123456789abcdef\n", "subscriptions.v.source"),
            ("subscriptions:\n  v:\n    source: hook\n    secret: 0123456789abcdef\n", "subscriptions.v.source"),
            ("subscriptions:\n  v:\n    source: ehr\n    secret: short\n", "subscriptions.v.secret"),
            (
                "subscriptions:\n  v:\n    source: ehr\n    secret: 0123456789abcdef\n    destinations: [nowhere]\n",
                "subscriptions.v.destinations"
            ),
            (
                "subscriptions:\n  v:\n    source: ehr\n    secret: 0123456789abcdef\n    specialty: wizard\n",
                "subscriptions.v.specialty"
            ),
            (
                "subscriptions:\n  v:\n    source: ehr\n    secret: 0123456789abcdef\n    content: full\n",
                "subscriptions.v.content"
            ),
        ])
    func mistakes(yaml: String, key: String) {
        let destinations = """
            destinations:
              ehr:
                type: fhir
                baseUrl: https://ehr.example.org/fhir
              hook:
                type: webhook
                url: https://hooks.example.org/x
                secret: 0123456789abcdef0123

            """
        #expect { try loadConfiguration(destinations + yaml) } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}
