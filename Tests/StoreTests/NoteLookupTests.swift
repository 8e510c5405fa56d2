import Foundation
import Store
import Testing

@Suite("Note store: FHIR forms and lookups")
struct NoteLookupTests {
    static func note(
        _ number: Int, owner: String = "key_a", patient: String? = nil, encounter: String? = nil, source: String? = nil,
        created: Date = Date()
    ) -> StoredNote {
        StoredNote(
            id: "note_" + String(format: "%032x", number), ownerKeyID: owner, createdAt: created,
            expiresAt: created.addingTimeInterval(3_600), specialty: "physician", template: "standard",
            document: Array(#"{"n":\#(number)}"#.utf8), fhir: Array(#"{"resourceType":"Bundle","n":\#(number)}"#.utf8),
            lookup: NoteLookup(patient: patient, encounter: encounter, source: source))
    }

    @Test("Search matches patient, encounter, source and dates for one owner; values are stored only as digests")
    func search() async throws {
        try await StoreTestSupport.withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("journal.key")
            let keyring = try DataKeyring.load(keyFile: keyFile, environment: [:])
            let file = directory.appendingPathComponent("notes.sqlite")
            let store = try SQLiteNoteStore(databaseFile: file, keyring: keyring)
            let base = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.save(Self.note(1, patient: "Patient/MRN-ZEBRA-1", encounter: "Encounter/e1", created: base))
            try await store.save(Self.note(2, patient: "Patient/MRN-ZEBRA-1", created: base.addingTimeInterval(10)))
            // A rotation between writes: digests under both keys are searched.
            try keyring.rotate()
            try await store.save(
                Self.note(3, patient: "Patient/MRN-ZEBRA-2", source: "urn:x|visit-1", created: base.addingTimeInterval(20)))
            try await store.save(Self.note(4, owner: "key_b", patient: "Patient/MRN-ZEBRA-1", created: base))
            // A /v1 note has no FHIR form and is never found.
            var plain = Self.note(5, patient: "Patient/MRN-ZEBRA-1")
            plain.fhir = nil
            try await store.save(plain)

            let now = base.addingTimeInterval(60)
            func ids(_ query: NoteQuery) async throws -> [String] {
                try await store.fhirNotes(query, now: now).notes.map { String($0.id.suffix(1)) }
            }
            #expect(try await ids(NoteQuery(ownerKeyID: "key_a")) == ["3", "2", "1"])
            #expect(try await ids(NoteQuery(ownerKeyID: "key_a", lookup: NoteLookup(patient: "Patient/MRN-ZEBRA-1"))) == ["2", "1"])
            #expect(
                try await ids(NoteQuery(ownerKeyID: "key_a", lookup: NoteLookup(patient: "Patient/MRN-ZEBRA-1", encounter: "Encounter/e1")))
                    == ["1"])
            #expect(try await ids(NoteQuery(ownerKeyID: "key_a", lookup: NoteLookup(source: "urn:x|visit-1"))) == ["3"])
            #expect(try await ids(NoteQuery(ownerKeyID: "key_a", createdFrom: base.addingTimeInterval(5))) == ["3", "2"])
            #expect(try await ids(NoteQuery(ownerKeyID: "key_a", createdBefore: base.addingTimeInterval(5))) == ["1"])
            let page = try await store.fhirNotes(NoteQuery(ownerKeyID: "key_a", limit: 1, offset: 1), now: now)
            #expect(page.total == 3 && page.notes.map(\.id.last) == ["2"])
            #expect(page.notes.first?.fhir == Array(#"{"resourceType":"Bundle","n":2}"#.utf8))
            #expect(page.notes.first?.document == Array(#"{"n":2}"#.utf8))
            // Expired notes are not found.
            #expect(try await store.fhirNotes(NoteQuery(ownerKeyID: "key_a"), now: base.addingTimeInterval(7_200)).total == 0)

            // One note per source and owner, under either key; another owner may reuse the source.
            await #expect(throws: StoreError.self) {
                try await store.save(Self.note(6, source: "urn:x|visit-1"))
            }
            do {
                try await store.save(Self.note(7, source: "urn:x|visit-1"))
                Issue.record("a duplicate source was stored")
            } catch let error as StoreError {
                #expect(error.code == .duplicate)
            }
            try await store.save(Self.note(8, owner: "key_b", source: "urn:x|visit-1"))
            let read = try await store.note(id: Self.note(3).id, now: now)
            #expect(read?.fhir == Array(#"{"resourceType":"Bundle","n":3}"#.utf8))
            try store.close()

            // Neither the patient references nor the FHIR form are in the file in clear.
            var bytes: [UInt8] = []
            for suffix in ["", "-wal"] {
                bytes += FileManager.default.contents(atPath: file.path + suffix).map(Array.init) ?? []
            }
            for marker in ["MRN-ZEBRA", "visit-1", "resourceType"] {
                #expect(!StoreTestSupport.contains(bytes, Array(marker.utf8)), "\(marker)")
            }
        }
    }
}
