/// A note row ready to insert, on either backend: its documents sealed and its lookup values digested (done outside
/// the transaction that inserts it).
public struct SealedNote: Sendable {
    public var note: StoredNote
    public var document: SealedValue
    public var fhir: SealedValue?
    public var lookupKeyID: String
    public var patient: String?
    public var encounter: String?
    public var source: String?
    public var request: String?
    /// The same source under every key of the keyring (a rotation changes the digest); empty without a source.
    public var sources: [(keyID: String, digest: String)]

    public init(_ note: StoredNote, sealing: StoreSealing) throws {
        self.note = note
        document = try sealing.seal(note.document, for: .note(id: note.id))
        fhir = try note.fhir.map { try sealing.seal($0, for: .noteFHIR(id: note.id)) }
        let lookup = sealing.activeLookup()
        lookupKeyID = lookup.keyID
        patient = note.lookup.patient.map { lookup.digest("patient", $0) }
        encounter = note.lookup.encounter.map { lookup.digest("encounter", $0) }
        source = note.lookup.source.map { lookup.digest("source", $0) }
        request = note.lookup.request.map { lookup.digest("request", $0) }
        sources = note.lookup.source.map { sealing.lookupDigests("source", $0) } ?? []
    }
}
