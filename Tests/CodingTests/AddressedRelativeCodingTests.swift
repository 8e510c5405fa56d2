import Testing

@testable import Coding
@testable import Scribe

/// A relative spoken to (`so mom, ...`, `okay dad, ...`) is the companion the clinician addresses, not the one who
/// has the condition the sentence names. The lines are written for this project.
@Suite("Billing codes: a relative addressed is not family history")
struct AddressedRelativeCodingTests {
    func icd10(_ lines: [String]) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines)).icd10.map(\.code)
    }

    @Test("the condition said to an addressed parent is the patient's; a relative's own condition stays family history")
    func addressed() {
        let asthma = icd10(["So dad, he has moderate persistent asthma, and the flare today is from a cold."])
        #expect(asthma.contains { $0.hasPrefix("J45.4") }, "\(asthma)")
        #expect(!asthma.contains("Z82.5"), "\(asthma)")
        let relative = icd10(["His dad has asthma too."])
        #expect(relative.contains("Z82.5"), "\(relative)")
        #expect(!relative.contains { $0.hasPrefix("J45") }, "\(relative)")
    }
}
