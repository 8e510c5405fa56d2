import FHIR

/// One resource of a note as it is written to a FHIR server (FHIR R4 RESTful API, sections 3.1.0.8 conditional
/// create and 3.1.0.4.3 conditional update; Bundle transactions, section 3.1.0.11): the resource, the identifier a
/// server matches it by, and the `urn:uuid` the other resources of the note reference it by.
public struct NoteFHIRWrite: Sendable, Hashable {
    /// `Composition`, `Patient`, ...
    public var resourceType: String
    /// The resource's id in the rendering (`nb-…`).
    public var id: String
    /// The identifier (system and value) it is matched by; `nil` for a resource with no identifier element
    /// (Provenance), which is written by id (update as create).
    public var identifier: (system: String, value: String)?
    /// The identifier (system and value) of the patient the resource belongs to, for a resource an EHR matches by
    /// more than its own identifier: the Encounter, whose visit number is only unique per patient at many sites.
    public var patientIdentifier: (system: String, value: String)?
    /// The Patient already on the server (`Patient/<id>`) the resource belongs to, for an Encounter whose patient was
    /// matched rather than written (``NoteFHIRInput/patientReference``).
    public var patientReference: String? = nil
    /// `urn:uuid:…`, the same for the same note, resource type and id.
    public var fullURL: String
    /// The resource, its references to the other resources of the note written as their ``fullURL``.
    public var resource: JSONValue

    /// `identifier=<system>|<value>`, and for a resource with a ``patientIdentifier``
    /// `&patient.identifier=<system>|<value>` (a chained search, FHIR R4 search, "Chained parameters"), or with a
    /// ``patientReference`` `&patient=Patient/<id>` (a reference search): the
    /// search that finds the resource on a server (`If-None-Exist`, conditional update), escaped for a query. An
    /// Encounter is found by its visit number *and* its patient, so that two patients with the same visit number are
    /// never linked to each other's Encounter.
    public var matchQuery: String? {
        guard let identifier else { return nil }
        var query = "identifier=" + Self.queryEscaped(identifier.system) + "|" + Self.queryEscaped(identifier.value)
        if let patient = patientIdentifier {
            query += "&patient.identifier=" + Self.queryEscaped(patient.system) + "|" + Self.queryEscaped(patient.value)
        } else if let patientReference {
            query += "&patient=" + Self.queryEscaped(patientReference)
        }
        return query
    }

    /// The resource as a conditional write sends it: without its `id` when it has an identifier to be matched by
    /// (the server chooses or finds the id), as it is otherwise (written by id).
    public var body: JSONValue {
        guard identifier != nil, case .object(let members) = resource else { return resource }
        return .object(members.filter { $0.key != "id" })
    }

    /// Writes are equal when every part is.
    public static func == (lhs: NoteFHIRWrite, rhs: NoteFHIRWrite) -> Bool {
        lhs.resourceType == rhs.resourceType && lhs.id == rhs.id && lhs.identifier?.system == rhs.identifier?.system
            && lhs.identifier?.value == rhs.identifier?.value
            && lhs.patientIdentifier?.system == rhs.patientIdentifier?.system
            && lhs.patientIdentifier?.value == rhs.patientIdentifier?.value
            && lhs.patientReference == rhs.patientReference && lhs.fullURL == rhs.fullURL
            && lhs.resource == rhs.resource
    }

    /// Hashes the type, id and full URL.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(resourceType)
        hasher.combine(id)
        hasher.combine(fullURL)
    }

    /// `text` with every byte outside the unreserved set and `:` `/` percent-encoded (RFC 3986).
    public static func queryEscaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}

extension NoteFHIRRenderer {
    /// The resource types a destination may choose to send; the patient, encounter, practitioner and the
    /// NoteBridge Device are always sent with them, since they are what the chosen ones reference.
    public static let selectableResourceTypes = [
        "Composition", "DocumentReference", "Condition", "ChargeItem", "Provenance",
    ]

    /// The note's resources of the `selected` types (and the Patient, Encounter, Practitioner and Device they
    /// reference) in the order a server can write them one by one: what is referenced before what references it.
    ///
    /// References between them are written as `urn:uuid:` full URLs (which a transaction resolves to the ids the
    /// server assigns or finds); a reference to a resource not sent is removed (a Composition section's entry, a
    /// Provenance target), and a Provenance left without a target is not sent.
    public func writes(_ input: NoteFHIRInput, selected: Set<String>) -> [NoteFHIRWrite] {
        let order = [
            "Patient", "Practitioner", "Encounter", "Device", "Condition", "Composition", "DocumentReference",
            "ChargeItem", "Provenance",
        ]
        // Rendered once: the note's resources, then those of the selected types.
        let all = resources(input)
        let chosen = all.filter { resource in
            guard let type = resource["resourceType"]?.string else { return false }
            return !Self.selectableResourceTypes.contains(type) || selected.contains(type)
        }
        var urls: [String: String] = [:]
        for resource in chosen {
            guard let type = resource["resourceType"]?.string, let id = resource["id"]?.string else { continue }
            urls["\(type)/\(id)"] = Self.uuidURL(seed: "\(input.noteID)|\(type)|\(id)")
        }
        let notSent = Set(
            all.compactMap { resource -> String? in
                guard let type = resource["resourceType"]?.string, let id = resource["id"]?.string else { return nil }
                let key = "\(type)/\(id)"
                return urls[key] == nil ? key : nil
            })
        let patientResource = chosen.first { $0["resourceType"]?.string == "Patient" }
        let patientKey = patientResource.flatMap { $0["id"]?.string }.map { "Patient/\($0)" }
        let patientIdentifier = patientResource.flatMap(Self.firstIdentifier)
        var writes: [NoteFHIRWrite] = []
        for resource in chosen {
            guard let type = resource["resourceType"]?.string, let id = resource["id"]?.string,
                let url = urls["\(type)/\(id)"]
            else { continue }
            guard let rewritten = Self.rewritingReferences(resource, urls: urls, dropping: notSent) else { continue }
            if type == "Provenance", rewritten["target"]?.array?.isEmpty ?? true { continue }
            // The Encounter is matched with its patient: a visit number alone may be another patient's visit.
            let patient =
                type == "Encounter" && resource["subject"]?["reference"]?.string == patientKey
                ? patientIdentifier : nil
            // An Encounter of a patient matched on the server (no Patient written) is matched with that Patient.
            let linked =
                type == "Encounter" && patient == nil && input.patientReference != nil
                    && resource["subject"]?["reference"]?.string == input.patientReference
                ? input.patientReference : nil
            writes.append(
                NoteFHIRWrite(
                    resourceType: type, id: id, identifier: Self.firstIdentifier(resource),
                    patientIdentifier: patient, patientReference: linked, fullURL: url, resource: rewritten))
        }
        return writes.sorted {
            (order.firstIndex(of: $0.resourceType) ?? 99) < (order.firstIndex(of: $1.resourceType) ?? 99)
        }
    }

    /// The system and value of a resource's first identifier, if it has both.
    static func firstIdentifier(_ resource: JSONValue) -> (system: String, value: String)? {
        guard let first = resource["identifier"].flatMap({ $0.array?.first ?? $0 }),
            let system = first["system"]?.string, let value = first["value"]?.string
        else { return nil }
        return (system, value)
    }

    /// A `transaction` Bundle (FHIR R4 RESTful API section 3.1.0.11) of `writes`: each entry's `fullUrl` is the
    /// write's `urn:uuid`, its request a conditional create (`POST Type` with `ifNoneExist`) or, for a resource
    /// without an identifier, a `PUT Type/id`.
    public static func transactionBundle(_ writes: [NoteFHIRWrite]) -> JSONValue {
        let entries: [JSONValue] = writes.map { write in
            let request: JSONValue =
                if let query = write.matchQuery {
                    .make(["method": "POST", "url": .string(write.resourceType), "ifNoneExist": .string(query)])
                } else {
                    .make(["method": "PUT", "url": .string("\(write.resourceType)/\(write.id)")])
                }
            return .make(["fullUrl": .string(write.fullURL), "resource": write.body, "request": request])
        }
        return .make(["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)])
    }

    /// `value` with each `reference` to one of `urls`' keys replaced by its URL; an array element or member that
    /// references one of `dropping` is removed. `nil` when `value` itself is such a reference.
    static func rewritingReferences(_ value: JSONValue, urls: [String: String], dropping: Set<String>) -> JSONValue? {
        switch value {
        case .object(let members):
            if let reference = value["reference"]?.string {
                if dropping.contains(reference) { return nil }
                if let url = urls[reference] {
                    return .object(members.map { $0.key == "reference" ? JSONMember("reference", .string(url)) : $0 })
                }
            }
            var kept: [JSONMember] = []
            for member in members {
                guard let rewritten = rewritingReferences(member.value, urls: urls, dropping: dropping) else {
                    continue
                }
                if case .array(let items) = rewritten, items.isEmpty, member.value.array?.isEmpty == false { continue }
                kept.append(JSONMember(member.key, rewritten))
            }
            return .object(kept)
        case .array(let items):
            return .array(items.compactMap { rewritingReferences($0, urls: urls, dropping: dropping) })
        default:
            return value
        }
    }

    /// A `urn:uuid:` made from `seed` (two FNV-1a hashes, with the version 8 and variant bits set): the same seed
    /// always gives the same URL.
    static func uuidURL(seed: String) -> String {
        func fnv(_ offset: UInt64) -> UInt64 {
            var hash = offset
            for byte in seed.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            return hash
        }
        let high = (fnv(0xcbf2_9ce4_8422_2325) & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_8000
        let low = (fnv(0x84222325cbf29ce4) & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = String(high, radix: 16).leftPadded(16) + String(low, radix: 16).leftPadded(16)
        let characters = Array(hex)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return "urn:uuid:" + groups.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
