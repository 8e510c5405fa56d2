import Delivery
import EncounterModel
import FHIR
import Testing

@Suite("Matching a patient with no identifier to the FHIR server's Patient: exactly one exact hit, never a guess")
struct PatientMatchTests {
    static let wanted = PatientMatch.Demographics(family: "Quillfeather", given: "Ada", birthDate: "1961-04-09")

    static func patient(
        _ id: String, family: String = "Quillfeather", given: [String] = ["Ada"], birthDate: String = "1961-04-09",
        active: Bool? = nil
    ) -> JSONValue {
        .make([
            "resourceType": "Patient", "id": .string(id),
            "name": [.make(["family": .string(family), "given": .array(given.map(JSONValue.string))])],
            "birthDate": .string(birthDate), "active": active.map(JSONValue.bool),
        ])
    }

    static func searchset(_ patients: [JSONValue], next: Bool = false) -> JSONValue {
        .make([
            "resourceType": "Bundle", "type": "searchset", "total": .number("\(patients.count)"),
            "link": next
                ? JSONValue.array([.make(["relation": "next", "url": "http://ehr/fhir/Patient?page=2"])]) : nil,
            "entry": .array(patients.map { .make(["resource": $0]) }),
        ])
    }

    @Test("family, given and a full birth date make the search; anything missing is named, never valued")
    func demographics() throws {
        let full = Encounter.Patient(
            name: Encounter.PersonName(family: " Quillfeather ", given: "Ada", middle: "B"), birthDate: "19610409")
        let found = try PatientMatch.demographics(of: full).get()
        #expect(found == Self.wanted)
        #expect(found.query == "family=Quillfeather&given=Ada&birthdate=1961-04-09")
        let spaced = PatientMatch.Demographics(family: "van der Berg", given: "Zoë", birthDate: "1961-04-09")
        #expect(spaced.query == "family=van%20der%20Berg&given=Zo%C3%AB&birthdate=1961-04-09")

        let cases: [(Encounter.Patient, [String])] = [
            (Encounter.Patient(name: Encounter.PersonName(family: "Quillfeather")), ["given name", "birth date"]),
            (Encounter.Patient(name: nil, birthDate: "19610409"), ["family name", "given name"]),
            (
                Encounter.Patient(name: Encounter.PersonName(family: "Quillfeather", given: "Ada"), birthDate: "1961"),
                ["birth date"]
            ),
        ]
        for (patient, missing) in cases {
            #expect(throws: PatientMatch.Missing(names: missing)) { try PatientMatch.demographics(of: patient).get() }
        }
    }

    @Test("exactly one exact hit is the match")
    func oneHit() {
        let decision = PatientMatch.decide(searchset: Self.searchset([Self.patient("p1")]), for: Self.wanted)
        #expect(decision == .matched(reference: "Patient/p1"))
        // Letter case aside, and a second given name does not hide the first.
        let cased = Self.patient("p2", family: "QUILLFEATHER", given: ["Beatrix", "ada"])
        #expect(
            PatientMatch.decide(searchset: Self.searchset([cased]), for: Self.wanted)
                == .matched(reference: "Patient/p2"))
    }

    @Test("a server's prefix hits (Ann finds Anna), another birth date and inactive Patients are not candidates")
    func notCandidates() {
        let near = [
            Self.patient("a", given: ["Adaline"]), Self.patient("b", family: "Quillfeathers"),
            Self.patient("c", birthDate: "1961-04-10"), Self.patient("d", active: false),
            Self.patient("e", birthDate: "1961"),
        ]
        #expect(PatientMatch.decide(searchset: Self.searchset(near), for: Self.wanted) == .noMatch)
        #expect(PatientMatch.decide(searchset: Self.searchset([]), for: Self.wanted) == .noMatch)
        // One exact hit among near ones is still the match.
        let mixed = near + [Self.patient("f")]
        #expect(
            PatientMatch.decide(searchset: Self.searchset(mixed), for: Self.wanted) == .matched(reference: "Patient/f"))
    }

    @Test("two exact hits, or an answer with a next page, are ambiguous")
    func ambiguous() {
        let two = Self.searchset([Self.patient("p1"), Self.patient("p2")])
        #expect(PatientMatch.decide(searchset: two, for: Self.wanted) == .ambiguous(count: 2))
        // The same Patient twice (an `include`d repeat) is one.
        let repeated = Self.searchset([Self.patient("p1"), Self.patient("p1")])
        #expect(PatientMatch.decide(searchset: repeated, for: Self.wanted) == .matched(reference: "Patient/p1"))
        let paged = Self.searchset([Self.patient("p1")], next: true)
        #expect(PatientMatch.decide(searchset: paged, for: Self.wanted) == .ambiguous(count: 2))
        // A Patient without an id cannot be referenced: not a match.
        var anonymous = Self.patient("x")
        if case .object(let members) = anonymous { anonymous = .object(members.filter { $0.key != "id" }) }
        #expect(PatientMatch.decide(searchset: Self.searchset([anonymous]), for: Self.wanted) == .noMatch)
    }
}
