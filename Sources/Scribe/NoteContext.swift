/// What the caller already knows about the patient, used alongside the transcript: the note's pronouns and
/// opening line (age, sex), medication names the word lists may not know, allergies to check the plan's
/// new medications against, and past medical history (conditions recognised in the transcript and, where
/// the transcript mentions them, listed under PAST MEDICAL HISTORY).
public struct NoteContext: Hashable, Sendable {
    /// The patient's sex as recorded.
    public enum Sex: String, CaseIterable, Hashable, Sendable, Codable {
        case female
        case male
    }

    /// Age in years.
    public var age: Int?
    /// Sex.
    public var sex: Sex?
    /// Medication names the patient is known to take.
    public var medications: [String]
    /// Substances the patient is known to be allergic to.
    public var allergies: [String]
    /// Conditions in the patient's past medical history.
    public var history: [String]

    /// Creates a context.
    public init(
        age: Int? = nil, sex: Sex? = nil, medications: [String] = [], allergies: [String] = [], history: [String] = []
    ) {
        self.age = age
        self.sex = sex
        self.medications = medications
        self.allergies = allergies
        self.history = history
    }

    /// No context.
    public static let none = NoteContext()

    /// The most names a list may hold, and the longest a name may be.
    public static let maximumNames = 200
    public static let maximumNameLength = 100

    /// Checks the values; the error names the field.
    public func validated() throws(NoteRequestError) -> NoteContext {
        if let age, !(0...130).contains(age) {
            throw NoteRequestError(field: "context.age", reason: "must be between 0 and 130 years")
        }
        for (field, names) in [
            ("context.medications", medications), ("context.allergies", allergies), ("context.history", history),
        ] {
            guard names.count <= Self.maximumNames else {
                throw NoteRequestError(field: field, reason: "holds more than \(Self.maximumNames) names")
            }
            for (index, name) in names.enumerated() {
                let trimmed = name.trimmingCharacters(in: " \t")
                guard !trimmed.isEmpty, trimmed.count <= Self.maximumNameLength,
                    !trimmed.unicodeScalars.contains(where: Transcript.isDisallowedControl)
                else {
                    throw NoteRequestError(
                        field: "\(field)[\(index)]",
                        reason: "must be a name of 1 to \(Self.maximumNameLength) characters without control characters")
                }
            }
        }
        return self
    }
}
