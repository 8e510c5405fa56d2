/// A clinical fact found in a transcript, with its normalised value and where it was said.
public struct ClinicalEntity: Hashable, Sendable {
    /// What kind of fact it is.
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        /// A vital sign (`name` is the sign, `value` and `unit` normalised: mm[Hg], /min, Cel, %, kg, cm).
        case vitalSign = "vital_sign"
        /// A medication (`name`; dose, route and frequency in `attributes`).
        case medication
        /// An allergy (`name` is the substance; `negated` for "no known allergies").
        case allergy
        /// A symptom, finding or diagnosis (`name` is its canonical form), possibly negated or uncertain.
        case problem
        /// A length of time (`value` as an ISO 8601 duration when exact).
        case duration
        /// A pain score (`value` on the 0–10 scale).
        case painScore = "pain_score"
        /// A side of the body (`value` left, right or bilateral; `name` the body site).
        case laterality
        /// A tooth number (`value`, Universal Numbering System as said).
        case tooth
    }

    /// Who or what a mention is about, beyond the patient's present state.
    public enum Context: String, Hashable, Sendable, Codable {
        /// A condition considered only in case it happens ("call if you get a fever").
        case hypothetical
        /// Something in the past ("history of", "used to have").
        case historical
        /// A family member's condition ("my mother had breast cancer").
        case family
    }

    /// The kind.
    public var kind: Kind
    /// The words as said in the transcript.
    public var text: String
    /// Unicode-scalar ranges of the transcript (end exclusive) it was read from; never empty.
    public var evidence: [Range<Int>]
    /// The canonical name (vital sign, medication, substance, problem, body site).
    public var name: String
    /// The normalised value, if it has one.
    public var value: String?
    /// The unit of `value` (UCUM).
    public var unit: String?
    /// Absent: denied, negative, ruled out, not taken.
    public var negated: Bool
    /// Possible but not established: "rule out", "possible", "concern for".
    public var uncertain: Bool
    /// Hypothetical, historical or about a family member; `nil` for the patient's present state.
    public var context: Context?
    /// Further details: `dose`, `route`, `frequency`, `action`, `reaction`, `original`, `site`.
    public var attributes: [String: String]

    /// Creates an entity.
    public init(
        kind: Kind, text: String, evidence: [Range<Int>], name: String, value: String? = nil, unit: String? = nil,
        negated: Bool = false, uncertain: Bool = false, context: Context? = nil, attributes: [String: String] = [:]
    ) {
        self.kind = kind
        self.text = text
        self.evidence = evidence
        self.name = name
        self.value = value
        self.unit = unit
        self.negated = negated
        self.uncertain = uncertain
        self.context = context
        self.attributes = attributes
    }
}
