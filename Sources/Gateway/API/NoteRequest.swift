import Coding
import EncounterModel
import FHIR
import Foundation
import Scribe

/// The body of `POST /v1/note` and `POST /v1/stream/note`, as sent; encoded again (names as lists, the age as a
/// whole number) only for the request an audio job keeps until its recording is transcribed.
struct NoteRequestBody: Codable {
    /// A name list sent as one string ("asthma, GERD") or as an array.
    struct NameList: Codable {
        var names: [String]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(names)
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                names = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline })
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } else if let list = try? container.decode([String].self) {
                names = list
            } else {
                throw DecodingError.typeMismatch(
                    NameList.self,
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "a string or a list of strings"))
            }
        }
    }

    /// An age in whole years. JSON has one number type, and Foundation's decoder reports a number that does not fit
    /// an `Int` (`4.5`, `1e30`) as invalid JSON without naming the member; read as a number first, the member is
    /// named (`must be an integer`) and an out-of-range whole number reaches the age's own range check.
    struct WholeYears: Codable {
        var value: Int

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let whole = try? container.decode(Int.self) {
                value = whole
                return
            }
            guard let number = try? container.decode(Double.self), number.isFinite, number.rounded() == number else {
                throw DecodingError.typeMismatch(
                    Int.self, DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "a whole number"))
            }
            value = Int(exactly: number) ?? (number < 0 ? Int.min : Int.max)
        }
    }

    struct PatientInfo: Codable {
        var name: String?
        var age: WholeYears?
        var gender: String?
        var medicalHistory: NameList?
        var medications: NameList?
        var allergies: NameList?

        enum CodingKeys: String, CodingKey {
            case name, age, gender, medications, allergies
            case medicalHistory = "medical_history"
        }
    }

    struct Context: Codable {
        var patientInfo: PatientInfo?
        var customInstructions: String?

        enum CodingKeys: String, CodingKey {
            case patientInfo = "patient_info"
            case customInstructions = "custom_instructions"
        }
    }

    var transcript: String?
    var specialty: String?
    var providerType: String?
    var template: String?
    var includeBillingCodes: Bool?
    var includePatientSummary: Bool?
    var includeTranscript: Bool?
    var includeEvidence: Bool?
    var callbackURL: String?
    var patientStatus: String?
    var context: Context?

    enum CodingKeys: String, CodingKey {
        case transcript, specialty, template, context
        case providerType = "provider_type"
        case includeBillingCodes = "include_billing_codes"
        case includePatientSummary = "include_patient_summary"
        case includeTranscript = "include_transcript"
        case includeEvidence = "include_evidence"
        case callbackURL = "callback_url"
        case patientStatus = "patient_status"
    }
}

/// A validated note request: everything the note, the codes and the webhook need.
public struct NoteJob: Sendable {
    /// The transcript text.
    public var transcript: String
    /// The specialty.
    public var specialty: Specialty
    /// The layout.
    public var template: NoteTemplate
    /// What the caller knows about the patient.
    public var context: NoteContext
    /// New or established, for the visit level.
    public var patient: VisitLevel.Patient?
    /// Add `billing_codes`.
    public var includeBillingCodes = false
    /// Add `patient_summary`.
    public var includePatientSummary = false
    /// Add `transcript`.
    public var includeTranscript = false
    /// The timed segments of the recording the transcript was made from (`nil` for a typed one).
    public var transcriptSegments: [TranscriptSegment]? = nil
    /// Add `statements` with their evidence ranges.
    public var includeEvidence = false
    /// Where the `note.generated` or `note.failed` event goes, if anywhere.
    public var callbackURL: String?
    /// Whether custom instructions were sent (they are accepted, not followed; the response says so).
    public var hasCustomInstructions = false

    /// The longest custom instructions accepted.
    static let maximumInstructionCharacters = 4_000

    /// The deepest nesting of objects and arrays a request body may have. A request is at most four levels deep
    /// (`context.patient_info.medications[]`); the limit leaves room for unknown members and refuses, with its own
    /// error, bodies built to exhaust the decoder.
    public static let maximumNestingDepth = 32

    /// The most values (object members and array elements, at every level) a request body may hold. A request has
    /// a dozen members and at most 200 names in each of its three lists; past this, a body under the size limit
    /// (60,000 members in 0.9 MB) cost seconds of CPU per request in canonicalising it for the Idempotency-Key
    /// fingerprint, and four at once stalled every other request on a two-core machine.
    public static let maximumValueCount = 2_000

    /// The request as the `Encounter` every intake produces: the transcript, specialty, layout, options and the
    /// patient context the caller sent; no identifiers (the `/v1` API takes none).
    public var encounter: Encounter {
        let sex =
            switch context.sex {
            case .female: "F"
            case .male: "M"
            case nil: ""
            }
        return Encounter(
            patient: Encounter.Patient(sex: sex), specialty: specialty.rawValue, template: template.rawValue,
            options: Encounter.Options(
                includeBillingCodes: includeBillingCodes, includePatientSummary: includePatientSummary,
                patientStatus: patient?.rawValue),
            context: Encounter.ClinicalContext(
                age: context.age, medications: context.medications, allergies: context.allergies,
                history: context.history),
            transcript: Encounter.Transcript(text: transcript, source: .api), origin: Encounter.Origin(channel: .api))
    }

    /// Decodes and validates a request body; the error names the field.
    public static func decode(_ bytes: [UInt8]) throws(APIError) -> NoteJob {
        try NoteJob(decodeBody(bytes))
    }

    /// Decodes a request body's JSON, within the nesting limit, without validating its values; the error names the
    /// field.
    static func decodeBody(_ bytes: [UInt8]) throws(APIError) -> NoteRequestBody {
        var wellFormed = true
        var parsed: JSONValue?
        do throws(FHIRParseError) {
            parsed = try JSONReader(
                limits: JSONReader.Limits(maximumBytes: bytes.count, maximumDepth: maximumNestingDepth)
            ).read(bytes)
        } catch where error.code == .tooDeep {
            throw APIError.nestedTooDeep(limit: maximumNestingDepth)
        } catch {
            // Other faults are the decoder's to name, field by field.
            wellFormed = false
        }
        var budget = maximumValueCount
        if let parsed, !Self.fits(parsed, within: &budget) {
            throw APIError.validation(
                "body", "holds more than \(maximumValueCount) members and array elements; a note request has a few dozen")
        }
        let body: NoteRequestBody
        do {
            body = try JSONDecoder().decode(NoteRequestBody.self, from: Data(bytes))
        } catch DecodingError.dataCorrupted(let context) where wellFormed && context.codingPath.isEmpty {
            // Well-formed JSON that Foundation still calls invalid, without a member: a number too large for the
            // member it is in. Saying "not valid JSON" would send the caller looking for a syntax error.
            throw APIError.validation("body", "holds a number that is out of range for its member")
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw APIError.validation("body", "is not valid JSON")
        }
        return body
    }

    /// Whether `value` holds at most `budget` members and elements, counting down `budget`; stops at the first one
    /// past it.
    static func fits(_ value: JSONValue, within budget: inout Int) -> Bool {
        switch value {
        case .object(let members):
            budget -= members.count
            guard budget >= 0 else { return false }
            for member in members where !fits(member.value, within: &budget) { return false }
        case .array(let elements):
            budget -= elements.count
            guard budget >= 0 else { return false }
            for element in elements where !fits(element, within: &budget) { return false }
        default:
            break
        }
        return true
    }

    init(_ body: NoteRequestBody) throws(APIError) {
        guard let transcript = body.transcript else {
            throw APIError.validation("transcript", "is required")
        }
        self.transcript = transcript
        do {
            if let specialty = body.specialty, let alias = body.providerType, specialty != alias {
                throw APIError.validation("provider_type", "differs from specialty; send one of them")
            }
            specialty = try Specialty(validating: body.specialty ?? body.providerType ?? Specialty.generic.rawValue)
            template = try NoteTemplate(validating: body.template ?? NoteTemplate.standard.rawValue)
        } catch let error as NoteRequestError {
            let field = error.field == "specialty" && body.specialty == nil ? "provider_type" : error.field
            throw APIError.validation(field, error.reason, validValues: error.validValues)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.validation("specialty", "cannot be read")
        }
        let info = body.context?.patientInfo
        if let name = info?.name, name.unicodeScalars.count > 200 {
            throw APIError.validation("context.patient_info.name", "is longer than 200 characters")
        }
        var sex: NoteContext.Sex?
        if let gender = info?.gender {
            guard gender.unicodeScalars.count <= 50 else {
                throw APIError.validation("context.patient_info.gender", "is longer than 50 characters")
            }
            switch gender.lowercased().trimmingCharacters(in: .whitespaces) {
            case "female", "f", "woman", "girl": sex = .female
            case "male", "m", "man", "boy": sex = .male
            default: sex = nil
            }
        }
        do {
            context = try NoteContext(
                age: info?.age?.value, sex: sex, medications: info?.medications?.names ?? [],
                allergies: info?.allergies?.names ?? [], history: info?.medicalHistory?.names ?? []
            ).validated()
        } catch {
            // NoteContext names its own fields; the API's live under context.patient_info.
            var field = error.field
            for (from, to) in [
                ("context.age", "context.patient_info.age"),
                ("context.history", "context.patient_info.medical_history"),
                ("context.medications", "context.patient_info.medications"),
                ("context.allergies", "context.patient_info.allergies"),
            ] where field.hasPrefix(from) {
                field = to + field.dropFirst(from.count)
            }
            throw APIError.validation(field, error.reason)
        }
        if let status = body.patientStatus {
            guard let known = VisitLevel.Patient(rawValue: status) else {
                throw APIError.validation(
                    "patient_status", "unknown patient status", validValues: VisitLevel.Patient.allCases.map(\.rawValue))
            }
            patient = known
        }
        if let instructions = body.context?.customInstructions {
            guard instructions.unicodeScalars.count <= Self.maximumInstructionCharacters else {
                throw APIError.validation(
                    "context.custom_instructions", "is longer than \(Self.maximumInstructionCharacters) characters")
            }
            hasCustomInstructions = !instructions.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        if let url = body.callbackURL {
            callbackURL = try Self.validatedCallback(url, field: "callback_url")
        }
        includeBillingCodes = body.includeBillingCodes ?? false
        includePatientSummary = body.includePatientSummary ?? false
        includeTranscript = body.includeTranscript ?? false
        includeEvidence = body.includeEvidence ?? false
    }

    /// An `http` or `https` URL with a host, at most 2,048 characters.
    static func validatedCallback(_ text: String, field: String) throws(APIError) -> String {
        guard text.unicodeScalars.count <= 2_048, let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else {
            throw APIError.validation(field, "must be an http or https URL with a host (at most 2048 characters)")
        }
        return text
    }

    /// A decoding error as a validation error naming the field, never quoting the value.
    static func describe(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var parts: [String] = []
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue {
                    parts.append("[\(index)]")
                } else {
                    parts.append((parts.isEmpty ? "" : ".") + key.stringValue)
                }
            }
            return parts.isEmpty ? "body" : parts.joined()
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: return "a string"
            case is Bool.Type: return "true or false"
            case is Int.Type, is NoteRequestBody.WholeYears.Type: return "an integer"
            case is [String].Type: return "a list of strings"
            case is NoteRequestBody.NameList.Type: return "a string or a list of strings"
            default: return "an object"
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            if field == "body" { return APIError.validation("body", "must be a JSON object") }
            return APIError.validation(field, "must be \(kind(type))")
        case .valueNotFound(let type, let context):
            return APIError.validation(path(context.codingPath), "must be \(kind(type)), not null")
        case .keyNotFound(let key, let context):
            return APIError.validation(path(context.codingPath, key), "is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return APIError.validation("body", "is not valid JSON") }
            return APIError.validation(path(context.codingPath), "cannot be read")
        @unknown default:
            return APIError.validation("body", "cannot be read")
        }
    }
}
