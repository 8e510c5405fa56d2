import EncounterModel
import Store
import Testing

@testable import Gateway

@Suite("The outbox key a patient's notes are ordered by")
struct PatientKeyTests {
    @Test("a name-only patient is keyed by name and birth date: its notes in order, other such patients apart")
    func nameOnly() throws {
        let digester = PatientKeyDigester(
            keyring: try DataKeyring(activeKey: [UInt8](repeating: 5, count: DataKeyring.keyByteCount)))
        func key(_ patient: Encounter.Patient) -> String { EncounterPipeline.patientKey(patient, digester: digester) }
        let ada = Encounter.Patient(name: Encounter.PersonName(family: "Quill", given: "Ada"), birthDate: "19610409")
        let adaShouted = Encounter.Patient(
            name: Encounter.PersonName(family: "QUILL", given: "ADA"), birthDate: "19610409")
        let bea = Encounter.Patient(name: Encounter.PersonName(family: "Quill", given: "Bea"), birthDate: "19610409")
        let older = Encounter.Patient(name: Encounter.PersonName(family: "Quill", given: "Ada"), birthDate: "19410409")
        #expect(key(ada) == key(adaShouted))
        #expect(Set([key(ada), key(bea), key(older)]).count == 3)
        // A patient with an identifier is keyed by it, as before, whatever its name.
        let identified = Encounter.Patient(
            identifiers: [Encounter.Identifier(value: "MRN1", assigningAuthority: "NORTH")],
            name: Encounter.PersonName(family: "Quill", given: "Ada"), birthDate: "19610409")
        #expect(key(identified) == digester.patientKey(identifier: "MRN1", authority: "NORTH"))
        #expect(key(identified) != key(ada))
        // The key is a digest: no name or date in it.
        #expect(!key(ada).contains("Quill") && !key(ada).contains("1961"))
    }
}
