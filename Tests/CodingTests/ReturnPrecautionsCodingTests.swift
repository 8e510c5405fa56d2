import Testing

@testable import Coding
@testable import Scribe

/// Return precautions name symptoms the patient does not have: what to come back or go to the emergency
/// department for is not coded. The lines are written for this project.
@Suite("Billing codes: return precautions")
struct ReturnPrecautionsCodingTests {
    func icd10(_ lines: [String], plan: [String]) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, plan: plan)).icd10.map(\.code)
    }

    @Test("symptoms named as reasons to return, call or go to the emergency department are not coded")
    func precautions() {
        let codes = icd10(
            ["Acute cystitis without hematuria."],
            plan: [
                "Nitrofurantoin for five days.", "Return for fever, back pain or vomiting.",
                "Go to the emergency room for chest pain or shortness of breath.",
            ])
        #expect(codes.contains("N30.00"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("R50") || $0.hasPrefix("R11") || $0.hasPrefix("M54") }, "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("R07") || $0.hasPrefix("R06") }, "\(codes)")
        // A symptom the patient came with is still coded where the plan names no diagnosis.
        let present = icd10(["Vomiting since last night, no diagnosis yet."], plan: ["Return for blood in the vomit."])
        #expect(present.contains { $0.hasPrefix("R11") }, "\(present)")
    }
}
