/// The 24 specialties a note can be written for (DESIGN.md's public contract).
public enum Specialty: String, CaseIterable, Hashable, Sendable, Codable {
    case nursePractitioner = "nurse_practitioner", physician, psychiatrist, psychotherapist
    case physicalTherapy = "physical_therapy", occupationalTherapy = "occupational_therapy", chiropractor, dentist
    case acupuncture, socialWorker = "social_worker", registeredNurse = "registered_nurse", slp, veterinary
    case massageTherapy = "massage_therapy", pharmacy, podiatrist, dietitianNutritionist = "dietitian_nutritionist"
    case athleticTrainer = "athletic_trainer", aromaTherapy = "aroma_therapy", exerciseTherapy = "exercise_therapy"
    case ems, paramedic, geneticCounselling = "genetic_counselling", generic

    /// Reads a specialty value; the error names the field and lists the valid values.
    public init(validating value: String) throws(NoteRequestError) {
        guard let specialty = Specialty(rawValue: value) else {
            throw NoteRequestError(
                field: "specialty", reason: "unknown specialty",
                validValues: Specialty.allCases.map(\.rawValue))
        }
        self = specialty
    }
}

/// The layouts a note can take.
public enum NoteTemplate: String, CaseIterable, Hashable, Sendable, Codable {
    /// Subjective, Objective, Assessment, Plan.
    case standard
    /// Assessment and Plan first, then Subjective and Objective.
    case apso
    /// Data, Assessment, Plan (behavioural health).
    case dap
    /// Behaviour, Intervention, Response, Plan (behavioural health).
    case birp
    /// A short note: the key statements of each section.
    case brief

    /// Reads a template value; the error names the field and lists the valid values.
    public init(validating value: String) throws(NoteRequestError) {
        guard let template = NoteTemplate(rawValue: value) else {
            throw NoteRequestError(
                field: "template", reason: "unknown template", validValues: NoteTemplate.allCases.map(\.rawValue))
        }
        self = template
    }
}

/// A request field that cannot be used, with the values that can.
public struct NoteRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault.
    public var field: String
    /// What is wrong.
    public var reason: String
    /// The valid values, when the field takes one of a list.
    public var validValues: [String]

    /// Creates an error.
    public init(field: String, reason: String, validValues: [String] = []) {
        self.field = field
        self.reason = reason
        self.validValues = validValues
    }

    /// `specialty: unknown specialty; valid values: generic, physician, ...`.
    public var description: String {
        validValues.isEmpty ? "\(field): \(reason)" : "\(field): \(reason); valid values: \(validValues.joined(separator: ", "))"
    }
}
