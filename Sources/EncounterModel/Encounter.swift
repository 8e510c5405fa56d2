/// One clinical encounter as every intake produces it (HL7 v2 today; `/v1` and `/fhir` next): who the patient is,
/// which visit, who attended and who authored, how the note is to be written, and the transcript it is written
/// from. A plain `Sendable` value: no I/O, no JSON, no `[String: Any]` on the way to the note writer.
///
/// Everything in it but ``origin`` and the option flags is PHI: it is sealed at rest and never logged.
public struct Encounter: Sendable, Hashable, Codable {
    /// The patient.
    public var patient: Patient
    /// The visit.
    public var visit: Visit
    /// The attending clinician (HL7 PV1-7).
    public var attending: Provider?
    /// The author of the documented encounter (HL7 TXA-5, TXA-9, OBR-16 or PV1-7).
    public var author: Provider?
    /// The specialty value the note is written for (one of the 24 of DESIGN.md; `generic` when unknown).
    public var specialty: String
    /// The note layout (`standard`, `apso`, `dap`, `birp`, `brief`).
    public var template: String
    /// What to add to the note.
    public var options: Options
    /// What the sender knows about the patient beyond the transcript (the `/v1` context).
    public var context: ClinicalContext
    /// The transcript the note is written from.
    public var transcript: Transcript
    /// Where the encounter came from (no PHI).
    public var origin: Origin

    /// Creates an encounter.
    public init(
        patient: Patient, visit: Visit = Visit(), attending: Provider? = nil, author: Provider? = nil,
        specialty: String = "generic", template: String = "standard", options: Options = Options(),
        context: ClinicalContext = ClinicalContext(), transcript: Transcript, origin: Origin
    ) {
        self.patient = patient
        self.visit = visit
        self.attending = attending
        self.author = author
        self.specialty = specialty
        self.template = template
        self.options = options
        self.context = context
        self.transcript = transcript
        self.origin = origin
    }
}

extension Encounter {
    /// An identifier of a patient or a visit (HL7 CX).
    public struct Identifier: Sendable, Hashable, Codable {
        /// The identifier itself (an MRN, an account number).
        public var value: String
        /// Who assigned it (CX-4), `""` when unknown.
        public var assigningAuthority: String
        /// Its type (CX-5: `MR`, `AN`, `VN`, ...), `""` when unknown.
        public var type: String

        /// Creates an identifier.
        public init(value: String, assigningAuthority: String = "", type: String = "") {
            self.value = value
            self.assigningAuthority = assigningAuthority
            self.type = type
        }
    }

    /// A person's name (HL7 XPN, FHIR HumanName).
    public struct PersonName: Sendable, Hashable, Codable {
        /// The family name.
        public var family: String
        /// The given name.
        public var given: String
        /// Further given names or initials.
        public var middle: String

        /// Creates a name.
        public init(family: String, given: String = "", middle: String = "") {
            self.family = family
            self.given = given
            self.middle = middle
        }

        /// Whether every part is empty.
        public var isEmpty: Bool { family.isEmpty && given.isEmpty && middle.isEmpty }
    }

    /// The patient.
    public struct Patient: Sendable, Hashable, Codable {
        /// Identifiers, the primary one first (PID-3).
        public var identifiers: [Identifier]
        /// The name (PID-5), when sent.
        public var name: PersonName?
        /// The birth date as sent (`YYYYMMDD`, PID-7), `""` when unknown.
        public var birthDate: String
        /// Administrative sex (`F`, `M`, `O`, `U`, ...; PID-8), `""` when unknown.
        public var sex: String

        /// Creates a patient.
        public init(identifiers: [Identifier] = [], name: PersonName? = nil, birthDate: String = "", sex: String = "") {
            self.identifiers = identifiers
            self.name = name
            self.birthDate = birthDate
            self.sex = sex
        }

        /// The identifier the patient is keyed by (ordering of deliveries, lookups): the first one.
        public var primaryIdentifier: Identifier? { identifiers.first }
    }

    /// A location (HL7 PL): point of care, room, bed, facility.
    public struct Location: Sendable, Hashable, Codable {
        /// The point of care (nursing unit, clinic).
        public var pointOfCare: String
        /// The room.
        public var room: String
        /// The bed.
        public var bed: String
        /// The facility.
        public var facility: String

        /// Creates a location.
        public init(pointOfCare: String = "", room: String = "", bed: String = "", facility: String = "") {
            self.pointOfCare = pointOfCare
            self.room = room
            self.bed = bed
            self.facility = facility
        }

        /// Whether every part is empty.
        public var isEmpty: Bool { pointOfCare.isEmpty && room.isEmpty && bed.isEmpty && facility.isEmpty }
    }

    /// The visit.
    public struct Visit: Sendable, Hashable, Codable {
        /// The visit number (PV1-19), `""` when unknown.
        public var number: String
        /// The patient class (`O` outpatient, `I` inpatient, `E` emergency; PV1-2), `""` when unknown.
        public var patientClass: String
        /// Where the visit took place (PV1-3).
        public var location: Location
        /// The hospital service (PV1-10), `""` when unknown.
        public var hospitalService: String
        /// When the visit started, as sent (HL7 DTM), `""` when unknown.
        public var start: String
        /// When the visit ended, as sent (HL7 DTM), `""` when unknown.
        public var end: String

        /// Creates a visit.
        public init(
            number: String = "", patientClass: String = "", location: Location = Location(),
            hospitalService: String = "", start: String = "", end: String = ""
        ) {
            self.number = number
            self.patientClass = patientClass
            self.location = location
            self.hospitalService = hospitalService
            self.start = start
            self.end = end
        }
    }

    /// A clinician (HL7 XCN).
    public struct Provider: Sendable, Hashable, Codable {
        /// The clinician's identifier (an NPI), `""` when unknown.
        public var id: String
        /// The name.
        public var name: PersonName

        /// Creates a provider.
        public init(id: String, name: PersonName) {
            self.id = id
            self.name = name
        }

        /// Whether neither an id nor a name is known.
        public var isEmpty: Bool { id.isEmpty && name.isEmpty }
    }

    /// What to add to the note.
    public struct Options: Sendable, Hashable, Codable {
        /// Add ICD-10-CM and CPT/HCPCS codes.
        public var includeBillingCodes: Bool
        /// Add a summary for the patient.
        public var includePatientSummary: Bool
        /// `new` or `established`, for the visit level; `nil` reads it from the transcript.
        public var patientStatus: String?

        /// Creates options.
        public init(includeBillingCodes: Bool = true, includePatientSummary: Bool = false, patientStatus: String? = nil) {
            self.includeBillingCodes = includeBillingCodes
            self.includePatientSummary = includePatientSummary
            self.patientStatus = patientStatus
        }
    }

    /// What is known about the patient beyond the transcript.
    public struct ClinicalContext: Sendable, Hashable, Codable {
        /// Age in years, when sent (otherwise worked out from the birth date).
        public var age: Int?
        /// Medications the patient takes.
        public var medications: [String]
        /// Allergies.
        public var allergies: [String]
        /// Past medical history.
        public var history: [String]

        /// Creates a context.
        public init(age: Int? = nil, medications: [String] = [], allergies: [String] = [], history: [String] = []) {
            self.age = age
            self.medications = medications
            self.allergies = allergies
            self.history = history
        }
    }

    /// The transcript a note is written from.
    public struct Transcript: Sendable, Hashable, Codable {
        /// Where in the inbound message the text was found.
        public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
            /// HL7 v2 OBX-5 of TX, FT or ST observations.
            case hl7Observation = "hl7-observation"
            /// HL7 v2 NTE segments.
            case hl7Note = "hl7-note"
            /// The `/v1` JSON API.
            case api
            /// A FHIR resource (`$soap-note`, Bundle).
            case fhir
        }

        /// What kind of text it is.
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// A dictation or a conversation as text; the note engine tells the two apart.
            case text
            /// Text made from audio by speech-to-text.
            case speechToText = "speech-to-text"
        }

        /// The text, lines separated by `\n`.
        public var text: String
        /// Where it came from.
        public var source: Source
        /// What kind of text it is.
        public var kind: Kind

        /// Creates a transcript.
        public init(text: String, source: Source, kind: Kind = .text) {
            self.text = text
            self.source = source
            self.kind = kind
        }
    }

    /// Where an encounter came from. Holds no PHI: it may be logged.
    public struct Origin: Sendable, Hashable, Codable {
        /// The channel.
        public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
            case mllp, api, fhir
        }

        /// The channel it arrived on.
        public var channel: Channel
        /// The sender (HL7: MSH-3 `|` MSH-4), `""` when unknown.
        public var sender: String
        /// The message type (`MDM^T02`), `""` when not HL7.
        public var messageType: String
        /// The message control id (MSH-10) or request id, `""` when unknown.
        public var controlID: String
        /// The journal entry it was received as, when journaled.
        public var journalID: Int64?

        /// Creates an origin.
        public init(
            channel: Channel, sender: String = "", messageType: String = "", controlID: String = "",
            journalID: Int64? = nil
        ) {
            self.channel = channel
            self.sender = sender
            self.messageType = messageType
            self.controlID = controlID
            self.journalID = journalID
        }
    }
}
