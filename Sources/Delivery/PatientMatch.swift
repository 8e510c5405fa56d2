import EncounterModel
import FHIR
import Mapping

/// How the FHIR destination links a note whose patient carries no identifier (an HL7 v2 PID with a name only) to a
/// Patient the server already has, conservatively (FHIR R4 Patient search parameters `family`, `given`,
/// `birthdate`; section 3.1.1.5.x string and date search).
///
/// A patient with an identifier is found (or, when the server has none, created) by a conditional create on that
/// identifier, as every write of the note is. Without one, the server is searched by family name, given name and birth
/// date, all three required; the answer is checked again here, exactly (FHIR string search matches by prefix and
/// ignores case and accents, so `Ann` finds `Anna`), and only one hit is a match. None, several, a paged answer or
/// missing demographics is never resolved by a guess: the note goes to the dead letter with a reason that names no
/// patient data.
public enum PatientMatch {
    /// The three facts a Patient is matched by when there is no identifier.
    public struct Demographics: Sendable, Hashable {
        /// The family name.
        public var family: String
        /// The first given name.
        public var given: String
        /// The birth date, `YYYY-MM-DD`.
        public var birthDate: String

        /// Creates demographics.
        public init(family: String, given: String, birthDate: String) {
            self.family = family
            self.given = given
            self.birthDate = birthDate
        }

        /// `family=…&given=…&birthdate=…`, escaped for a query.
        public var query: String {
            "family=" + NoteFHIRWrite.queryEscaped(family) + "&given=" + NoteFHIRWrite.queryEscaped(given)
                + "&birthdate=" + NoteFHIRWrite.queryEscaped(birthDate)
        }
    }

    /// What matching came to.
    public enum Decision: Sendable, Hashable {
        /// Exactly one Patient matches: its reference (`Patient/<id>`).
        case matched(reference: String)
        /// No Patient on the server matches.
        case noMatch
        /// Several do (or the server paged its answer): how many were seen.
        case ambiguous(count: Int)
    }

    /// The demographics of `patient`, or the names of what it lacks (`family name`, `given name`, `birth date`;
    /// a birth date must be a full `YYYYMMDD`).
    public static func demographics(of patient: Encounter.Patient) -> Result<Demographics, Missing> {
        let family = Self.trimmed(patient.name?.family ?? "")
        let given = Self.trimmed(patient.name?.given ?? "")
        let birthDate = NoteFHIRInput.fhirDate(Self.trimmed(patient.birthDate))
        var missing: [String] = []
        if family.isEmpty { missing.append("family name") }
        if given.isEmpty { missing.append("given name") }
        if birthDate == nil { missing.append("birth date") }
        guard missing.isEmpty, let birthDate else { return .failure(Missing(names: missing)) }
        return .success(Demographics(family: family, given: given, birthDate: birthDate))
    }

    /// What a patient lacks for a demographic match.
    public struct Missing: Error, Sendable, Hashable {
        /// The names of the missing facts.
        public var names: [String]

        /// Creates the list.
        public init(names: [String]) { self.names = names }
    }

    /// The decision for the searchset `bundle` the server answered a search by `wanted`: the Patients whose name
    /// (any of them) has exactly the family name and, among its given names, exactly the given name (letter case
    /// aside), and exactly the birth date; inactive Patients (`active: false`) are not candidates. One is a match;
    /// a Bundle with a `next` page is ambiguous whatever its first page holds.
    public static func decide(searchset bundle: JSONValue, for wanted: Demographics) -> Decision {
        let patients = (bundle["entry"]?.array ?? []).compactMap { $0["resource"] }.filter {
            $0["resourceType"]?.string == "Patient"
        }
        let hits = patients.filter { isSame($0, as: wanted) }
        var ids: [String] = []
        for hit in hits {
            if let id = hit["id"]?.string, !id.isEmpty, !ids.contains(id) { ids.append(id) }
        }
        let paged = (bundle["link"]?.array ?? []).contains { $0["relation"]?.string == "next" }
        if paged { return .ambiguous(count: max(ids.count, 2)) }
        switch ids.count {
        case 0: return .noMatch
        case 1: return .matched(reference: "Patient/\(ids[0])")
        default: return .ambiguous(count: ids.count)
        }
    }

    /// Whether `patient` is `wanted`: exact family, given and birth date, and not marked inactive.
    static func isSame(_ patient: JSONValue, as wanted: Demographics) -> Bool {
        if case .bool(false) = patient["active"] { return false }
        guard patient["birthDate"]?.string == wanted.birthDate else { return false }
        let family = folded(wanted.family)
        let given = folded(wanted.given)
        return (patient["name"]?.array ?? []).contains { name in
            guard let text = name["family"]?.string, folded(text) == family else { return false }
            return (name["given"]?.array ?? []).contains { $0.string.map(folded) == given }
        }
    }

    /// `text` trimmed and lowercased: how names are compared.
    static func folded(_ text: String) -> String { trimmed(text).lowercased() }

    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
