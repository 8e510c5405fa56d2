import Terminology

/// Chooses the CPT, HCPCS and CDT codes of a note.
struct ServiceCoder {
    let note: Note
    let diagnoses: [DiagnosisCode]
    let request: Coder.Request

    func add(to codes: inout BillingCodes) {}
}
