/// Who said a turn of a dialogue, normalised from the many ways transcripts label speakers.
public enum Speaker: Hashable, Sendable {
    /// The clinician (doctor, provider, nurse, therapist, ...).
    case clinician
    /// The patient (or client).
    case patient
    /// Someone else present: a family member, a guest clinician, an interpreter.
    case companion
    /// The narrator of a dictation, which has no speaker turns.
    case narrator

    /// Normalises a label (`[doctor]`, `DR`, `Patient`, `Guest_family`); `nil` for a label that names no role
    /// (a person's name), whose role is inferred from what they say.
    public init?(label: String) {
        let key: String
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII labels (nearly all): letters lower-cased byte by byte, without Character properties.
            key = String(decoding: label.utf8.compactMap { byte -> UInt8? in
                switch byte {
                case 0x61...0x7A: return byte
                case 0x41...0x5A: return byte | 0x20
                default: return nil
                }
            }, as: UTF8.self)
        } else {
            key = label.lowercased().filter { $0.isLetter }
        }
        guard let role = Self.roles[key] else { return nil }
        self = role
    }

    /// The role each normalised label names (one lookup instead of comparing the label with every name).
    private static let roles: [String: Speaker] = {
        var roles: [String: Speaker] = [:]
        for key in [
            "doctor", "dr", "clinician", "clinican", "provider", "physician", "md", "do", "np", "pa", "nurse", "rn",
            "therapist", "counselor", "counsellor", "dentist", "vet", "veterinarian", "pharmacist", "paramedic",
            "medic", "assistant", "practitioner", "nursepractitioner", "physicianassistant", "psychiatrist",
            "psychologist", "chiropractor", "dietitian", "trainer", "clinicianassistant", "interviewer",
        ] {
            roles[key] = .clinician
        }
        for key in ["patient", "pt", "client", "pat", "owner", "caller", "interviewee"] { roles[key] = .patient }
        for key in [
            "patientguest", "guest", "guestfamily", "gestfamily", "family", "mother", "father", "parent", "spouse",
            "wife", "husband", "son", "daughter", "caregiver", "interpreter", "guestclinician", "guestclinican",
        ] {
            roles[key] = key.hasSuffix("clinician") || key.hasSuffix("clinican") ? .clinician : .companion
        }
        return roles
    }()
}
