import Coding
import FHIR
import Scribe
import Terminology

/// How a note becomes FHIR: the document type per specialty, the section codes, and the Composition status.
/// The defaults are those of `mappings/fhir-note.yaml`; a deployment may load another file (``init(yaml:)``).
public struct NoteFHIRMapping: Sendable, Hashable {
    /// A code and its display.
    public struct Code: Hashable, Sendable {
        public var system: String
        public var code: String
        public var display: String

        public init(_ code: String, _ display: String, system: String = NoteFHIRRenderer.loinc) {
            self.system = system
            self.code = code
            self.display = display
        }
    }

    /// The NoteBridge code system of note parts that LOINC has no code for (DAP and BIRP layouts).
    public static let notePartSystem = "http://notebridge.dev/fhir/CodeSystem/note-part"

    /// `preliminary` (a draft for the clinician to sign), `final` or `amended`.
    public var compositionStatus = "preliminary"
    /// The document type when the specialty has none of its own.
    public var defaultDocumentType = Code("11506-3", "Progress note")
    /// Document types by specialty value.
    public var documentTypes: [String: Code] = ["registered_nurse": Code("34746-8", "Nurse Note")]
    /// Codes of note parts by part key.
    public var sectionCodes: [String: Code] = [
        "subjective": Code("61150-9", "Subjective"), "objective": Code("61149-1", "Objective"),
        "assessment": Code("51848-0", "Assessment note"), "plan": Code("18776-5", "Plan of care note"),
        "data": Code("data", "Data", system: notePartSystem),
        "behavior": Code("behavior", "Behavior", system: notePartSystem),
        "intervention": Code("intervention", "Intervention", system: notePartSystem),
        "response": Code("response", "Response", system: notePartSystem),
    ]
    /// The version of NoteBridge named by the Device that authors drafts.
    public var softwareVersion = "0.5.0"

    /// The defaults.
    public init() {}

    func documentType(for specialty: Specialty) -> Code {
        documentTypes[specialty.rawValue] ?? defaultDocumentType
    }
}

/// The note and what is known about the visit: what the renderer needs of a note, whether it comes from the note
/// engine (``init(note:codes:noteID:date:patient:encounter:practitioner:)``) or from a stored ``NoteRecord`` (the
/// outbox, ``init(record:identifiers:)``).
public struct NoteFHIRInput: Sendable {
    /// One part of the note as its template lays it out.
    public struct Part: Sendable, Hashable {
        /// `subjective`, `data`, `behavior`, ...
        public var key: String
        /// The heading: `SUBJECTIVE`, ...
        public var title: String
        /// The display text under the heading, one statement per line.
        public var text: String

        /// Creates a part.
        public init(key: String, title: String, text: String) {
            self.key = key
            self.title = title
            self.text = text
        }
    }

    /// An ICD-10-CM diagnosis, first-listed first.
    public struct Diagnosis: Sendable, Hashable {
        /// The code with its dot (`E11.40`).
        public var code: String
        /// Its title.
        public var description: String

        /// Creates a diagnosis.
        public init(code: String, description: String) {
            self.code = code
            self.description = description
        }
    }

    /// A CPT or HCPCS service.
    public struct Service: Sendable, Hashable {
        /// Whether the code is CPT (the AMA's system) rather than HCPCS Level II.
        public var isCPT: Bool
        /// The code.
        public var code: String
        /// Its label.
        public var label: String
        /// Modifiers (`25`).
        public var modifiers: [String]
        /// Units of service.
        public var units: Int

        /// Creates a service.
        public init(isCPT: Bool, code: String, label: String, modifiers: [String] = [], units: Int = 1) {
            self.isCPT = isCPT
            self.code = code
            self.label = label
            self.modifiers = modifiers
            self.units = units
        }
    }

    /// The specialty the note was written for.
    public var specialty: Specialty
    /// The note in its template's order.
    public var parts: [Part]
    /// Its ICD-10-CM codes (empty when codes were not asked for).
    public var diagnoses: [Diagnosis]
    /// Its CPT, then HCPCS codes.
    public var services: [Service]
    /// The note id (`note_…`): the identifier that makes writes idempotent.
    public var noteID: String
    /// When it was written (RFC 3339).
    public var date: String
    /// The Patient resource, when known (its `id` is used in references).
    public var patient: JSONValue?
    /// A Patient already on the server (`Patient/<id>`) the note is about, when there is no ``patient`` resource to
    /// write (``linkExistingPatient(_:)``): referenced as it is.
    public var patientReference: String?
    /// The Encounter resource, when known.
    public var encounter: JSONValue?
    /// The Practitioner resource, when known.
    public var practitioner: JSONValue?

    /// Creates an input from what the note engine and the coder wrote.
    public init(
        note: Note, codes: BillingCodes?, noteID: String, date: String, patient: JSONValue? = nil,
        encounter: JSONValue? = nil, practitioner: JSONValue? = nil
    ) {
        self.init(
            specialty: note.specialty, parts: note.parts.map { Part(key: $0.key, title: $0.title, text: $0.text) },
            diagnoses: (codes?.icd10 ?? []).map { Diagnosis(code: $0.code, description: $0.description) },
            services: ((codes?.cpt ?? []) + (codes?.hcpcs ?? [])).map {
                Service(
                    isCPT: $0.system == .cpt, code: $0.code, label: $0.label, modifiers: $0.modifiers, units: $0.units)
            }, noteID: noteID, date: date, patient: patient, encounter: encounter, practitioner: practitioner)
    }

    /// Creates an input from its parts.
    public init(
        specialty: Specialty, parts: [Part], diagnoses: [Diagnosis], services: [Service], noteID: String, date: String,
        patient: JSONValue? = nil, encounter: JSONValue? = nil, practitioner: JSONValue? = nil
    ) {
        self.specialty = specialty
        self.parts = parts
        self.diagnoses = diagnoses
        self.services = services
        self.noteID = noteID
        self.date = date
        self.patient = patient
        self.encounter = encounter
        self.practitioner = practitioner
    }
}

/// Renders a note as FHIR R4 resources and Bundles: Composition (the SOAP sections with XHTML narrative),
/// DocumentReference (US Core Clinical Notes shape), a Condition per ICD-10-CM code, a ChargeItem per CPT or
/// HCPCS code, the NoteBridge Device and a Provenance that names it as the author of a machine-generated draft.
/// Pure: the same input gives the same resources.
public struct NoteFHIRRenderer: Sendable {
    /// The mapping in force.
    public var mapping: NoteFHIRMapping

    /// Creates a renderer.
    public init(mapping: NoteFHIRMapping = NoteFHIRMapping()) {
        self.mapping = mapping
    }

    static let noteSystem = "urn:notebridge:note"
    /// LOINC's system URI.
    public static let loinc = "http://loinc.org"
    /// The profile every Composition claims.
    public static let compositionProfile = "http://notebridge.dev/fhir/StructureDefinition/notebridge-soap-note"
    /// The profile a DocumentReference with a subject claims.
    public static let documentReferenceProfile =
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"

    /// `meta` with the AI-asserted security label, and a profile when one is claimed.
    static func meta(profile: String?) -> JSONValue {
        .make([
            "profile": profile.map { [.string($0)] },
            "security": [
                .make([
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "AIAST",
                    "display": "Artificial Intelligence asserted",
                ])
            ],
        ])
    }

    /// The resources of a note, each with an id derived from the note id, in document order: Composition first.
    public func resources(_ input: NoteFHIRInput) -> [JSONValue] {
        let base = String(input.noteID.dropFirst("note_".count))
        let aiLabel = Self.meta(profile: nil)
        let subject =
            input.patient.flatMap { reference($0) }
            ?? input.patientReference.map { JSONValue.make(["reference": .string($0)]) }
        let encounter = input.encounter.flatMap { reference($0) }
        let device = "Device/nb-device"
        var author: [JSONValue] = [.make(["reference": .string(device), "display": "NoteBridge"])]
        if let practitioner = input.practitioner.flatMap({ reference($0) }) { author.insert(practitioner, at: 0) }

        var conditions: [JSONValue] = []
        for (index, code) in input.diagnoses.enumerated() {
            conditions.append(
                .make([
                    "resourceType": "Condition", "id": .string("nb-\(base)-dx\(index + 1)"), "meta": aiLabel,
                    "identifier": [
                        .make([
                            "system": "urn:notebridge:condition", "value": .string("\(input.noteID)-dx\(index + 1)"),
                        ])
                    ],
                    "clinicalStatus": concept(
                        "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
                    "verificationStatus": concept(
                        "http://terminology.hl7.org/CodeSystem/condition-ver-status", "provisional", "Provisional"),
                    "category": [
                        concept(
                            "http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis",
                            "Encounter Diagnosis")
                    ],
                    "code": concept("http://hl7.org/fhir/sid/icd-10-cm", code.code, code.description),
                    "subject": subject ?? .make(["display": "the patient of the encounter"]), "encounter": encounter,
                    "recordedDate": .string(input.date),
                ]))
        }
        var charges: [JSONValue] = []
        for (index, service) in input.services.enumerated() {
            let system =
                service.isCPT
                ? "http://www.ama-assn.org/go/cpt" : "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
            charges.append(
                .make([
                    "resourceType": "ChargeItem", "id": .string("nb-\(base)-ch\(index + 1)"), "meta": aiLabel,
                    "identifier": [
                        .make(["system": "urn:notebridge:charge", "value": .string("\(input.noteID)-ch\(index + 1)")])
                    ],
                    "status": "planned", "code": concept(system, service.code, service.label),
                    "subject": subject ?? .make(["display": "the patient of the encounter"]), "context": encounter,
                    "quantity": .make(["value": .integer(service.units)]), "enteredDate": .string(input.date),
                    "note": service.modifiers.isEmpty
                        ? nil : [.make(["text": .string("Modifiers: " + service.modifiers.joined(separator: ", "))])],
                ]))
        }

        let type = mapping.documentType(for: input.specialty)
        let parts = input.parts.filter { !$0.text.isEmpty }
        // Each part's paragraphs, escaped once for both its section's narrative and the HTML attachment.
        let paragraphs = parts.map { Self.paragraphs($0.text) }
        let sections: [JSONValue] = zip(parts, paragraphs).map { part, paragraphs in
            var entries: [JSONValue] = []
            if part.key == "assessment" {
                entries = conditions.compactMap { reference($0) }
            }
            return .make([
                "title": .string(part.title.prefix(1) + part.title.dropFirst().lowercased()),
                "code": mapping.sectionCodes[part.key].map { concept($0.system, $0.code, $0.display) },
                "text": .make(["status": "generated", "div": .string(Self.xhtml(paragraphs: paragraphs))]),
                "entry": entries.isEmpty ? nil : .array(entries),
            ])
        }
        let composition: JSONValue = .make([
            "resourceType": "Composition", "id": .string("nb-\(base)"),
            "meta": Self.meta(profile: Self.compositionProfile),
            "identifier": .make(["system": .string(Self.noteSystem), "value": .string(input.noteID)]),
            "status": .string(mapping.compositionStatus), "type": concept(type.system, type.code, type.display),
            "subject": subject, "encounter": encounter, "date": .string(input.date), "author": .array(author),
            "title": .string("SOAP note (\(input.specialty.rawValue.split(separator: "_").joined(separator: " ")))"),
            "section": sections.isEmpty ? nil : .array(sections),
        ])
        let plain = parts.map { "\($0.title)\n\($0.text)" }.joined(separator: "\n\n")
        let html =
            "<html><body>"
            + zip(parts, paragraphs).map { part, paragraphs in
                "<h2>\(XMLText.escaped(part.title, quotes: true))</h2>" + paragraphs
            }.joined()
            + "</body></html>"
        let documentReference: JSONValue = .make([
            "resourceType": "DocumentReference", "id": .string("nb-\(base)-doc"),
            "meta": Self.meta(profile: subject == nil ? nil : Self.documentReferenceProfile),
            "identifier": [.make(["system": .string(Self.noteSystem), "value": .string(input.noteID)])],
            "status": "current",
            "docStatus": .string(mapping.compositionStatus),
            "type": concept(type.system, type.code, type.display),
            "category": [
                concept(
                    "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note",
                    "Clinical Note")
            ],
            "subject": subject, "date": .string(Self.instant(input.date)), "author": .array(author),
            "content": [
                .make([
                    "attachment": .make([
                        "contentType": "text/plain; charset=utf-8", "data": .string(Base64.encode(Array(plain.utf8))),
                        "title": "SOAP note",
                    ])
                ]),
                .make([
                    "attachment": .make([
                        "contentType": "text/html", "data": .string(Base64.encode(Array(html.utf8))),
                        "title": "SOAP note",
                    ])
                ]),
            ],
            "context": encounter.map { reference in
                .make(["encounter": [reference], "period": .make(["start": .string(input.date)])])
            } ?? .make(["period": .make(["start": .string(input.date)])]),
        ])
        let deviceResource: JSONValue = .make([
            "resourceType": "Device", "id": "nb-device",
            "identifier": [.make(["system": "urn:notebridge:device", "value": "notebridge"])],
            "deviceName": [.make(["name": "NoteBridge", "type": "manufacturer-name"])],
            "type": .make(["text": "Clinical note generation software"]),
            "version": [.make(["value": .string(mapping.softwareVersion)])],
        ])
        let provenance: JSONValue = .make([
            "resourceType": "Provenance", "id": .string("nb-\(base)-prov"),
            "target": [
                .make(["reference": .string("Composition/nb-\(base)")]),
                .make(["reference": .string("DocumentReference/nb-\(base)-doc")]),
            ],
            "recorded": .string(Self.instant(input.date)),
            "activity": concept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create"),
            "agent": [
                .make([
                    "type": concept(
                        "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author"),
                    "who": .make(["reference": .string(device), "display": "NoteBridge"]),
                ])
            ],
        ])
        var resources = [composition]
        for resource in [input.patient, input.encounter, input.practitioner] {
            if let resource { resources.append(resource) }
        }
        resources += [deviceResource] + conditions + [documentReference] + charges + [provenance]
        return resources
    }

    /// A `document` Bundle: Composition first, then every resource it references and the rest of the note's.
    public func documentBundle(_ input: NoteFHIRInput) -> JSONValue {
        let resources = resources(input)
        return .make([
            "resourceType": "Bundle", "id": .string("nb-\(input.noteID.dropFirst(5))-bundle"),
            "identifier": .make(["system": .string(Self.noteSystem), "value": .string(input.noteID)]),
            "type": "document", "timestamp": .string(Self.instant(input.date)),
            "entry": .array(resources.map { resource in .make(["fullUrl": fullURL(resource), "resource": resource]) }),
        ])
    }

    /// A `transaction` Bundle of the note's resources of the `selected` types (all by default), made from
    /// ``writes(_:selected:)`` exactly as the FHIR destination sends it: `urn:uuid` full URLs and references, each
    /// entry a conditional create by ``NoteFHIRWrite/matchQuery`` (a PUT by id for a resource without an
    /// identifier), so that a server that assigns its own ids resolves every reference and sending it twice creates
    /// nothing new.
    public func transactionBundle(_ input: NoteFHIRInput, selected: Set<String>? = nil) -> JSONValue {
        Self.transactionBundle(writes(input, selected: selected ?? Set(Self.selectableResourceTypes)))
    }

    func fullURL(_ resource: JSONValue) -> JSONValue {
        .string("urn:notebridge:\(resource["resourceType"]?.string ?? "Resource"):\(resource["id"]?.string ?? "")")
    }

    func reference(_ resource: JSONValue) -> JSONValue? {
        guard let type = resource["resourceType"]?.string, let id = resource["id"]?.string else { return nil }
        return .make(["reference": .string("\(type)/\(id)")])
    }

    func concept(_ system: String, _ code: String, _ display: String) -> JSONValue {
        .make([
            "coding": [.make(["system": .string(system), "code": .string(code), "display": .string(display)])],
            "text": .string(display),
        ])
    }

    /// A date or dateTime as an instant (midnight UTC for a date alone).
    static func instant(_ date: String) -> String {
        date.count == 10 ? date + "T00:00:00Z" : date
    }

    static func paragraphs(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).map {
            "<p>\(XMLText.escaped(String($0), quotes: true))</p>"
        }.joined()
    }

    /// The narrative of a section: one paragraph per line, escaped.
    static func xhtml(_ text: String) -> String {
        xhtml(paragraphs: paragraphs(text))
    }

    /// The narrative of a section whose ``paragraphs(_:)`` are already made.
    static func xhtml(paragraphs: String) -> String {
        "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + paragraphs + "</div>"
    }
}

/// Base64 (RFC 4648, with padding) without Foundation.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        let count = (bytes.count + 2) / 3 * 4
        guard count > 0 else { return "" }
        // Written in place: four characters per three bytes, then the padded last group.
        return String(unsafeUninitializedCapacity: count) { out in
            var written = 0
            func put(_ value: UInt32, _ shift: UInt32) {
                out[written] = alphabet[Int(value >> shift & 63)]
                written += 1
            }
            var index = 0
            while index + 3 <= bytes.count {
                let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                put(value, 18)
                put(value, 12)
                put(value, 6)
                put(value, 0)
                index += 3
            }
            let rest = bytes.count - index
            if rest > 0 {
                let value = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
                put(value, 18)
                put(value, 12)
                if rest == 2 {
                    put(value, 6)
                } else {
                    out[written] = UInt8(ascii: "=")
                    written += 1
                }
                out[written] = UInt8(ascii: "=")
                written += 1
            }
            return written
        }
    }
}
