import Terminology

/// Suggests billing codes for a note: ICD-10-CM diagnoses from its assessment and plan, the office visit
/// level (CPT E/M) by medical decision making or time, procedures and services documented in the
/// transcript (CPT, HCPCS Level II, CDT for dental), each with its reason and evidence.
///
/// Pure and deterministic; loads the embedded code set once (`Coder.shared`).
public struct Coder: Sendable {
    /// The coder over the shared ICD-10-CM code set.
    public static let shared = Coder()

    let diagnoses: DiagnosisCoder

    /// Creates a coder over the shared code set and phrase index.
    public init() {
        diagnoses = DiagnosisCoder(codeSet: .shared, index: .shared)
    }

    /// What the coder needs to know beyond the note.
    public struct Request: Hashable, Sendable {
        /// New or established patient, when the caller knows (otherwise read from the transcript).
        public var patient: VisitLevel.Patient?
        /// The patient's medications from the caller's context (with those found in the transcript).
        public var medications: [String]
        /// The patient's age in years (preventive visit codes go by age).
        public var age: Int?
        /// The transcript the note was written from: total time and new-patient cues are read from it.
        public var transcript: String?

        /// Creates a request.
        public init(patient: VisitLevel.Patient? = nil, medications: [String] = [], age: Int? = nil, transcript: String? = nil) {
            self.patient = patient
            self.medications = medications
            self.age = age
            self.transcript = transcript
        }
    }

    /// The codes for a note.
    public func codes(for note: Note, request: Request = Request()) -> BillingCodes {
        if note.specialty == .veterinary {
            return BillingCodes(notices: [
                "Veterinary notes get no billing codes here: ICD-10-CM, CPT and HCPCS describe human patients and services."
            ])
        }
        let medications = request.medications
            + note.entities.filter { $0.kind == .medication && !$0.negated && $0.context == nil }.map(\.name)
        let icd10 = diagnoses.codes(for: note, medications: medications)
        var codes = BillingCodes(icd10: icd10)
        ServiceCoder(note: note, diagnoses: icd10, request: request).add(to: &codes)
        return codes
    }
}
