import Testing

@testable import Coding
@testable import Scribe

/// Excludes1 pairs said in different statements: the unspecified code gives way to the specified one it may not be
/// reported with. The lines are written for this project.
@Suite("Billing codes: Excludes1 pairs across statements")
struct ExcludesAcrossStatementsCodingTests {
    func icd10(_ lines: [String]) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines)).icd10.map(\.code)
    }

    @Test("an unspecified code beside a specified one its Excludes1 note forbids gives way, in another statement too")
    func unspecifiedGivesWay() {
        let rash = icd10([
            "Allergic contact dermatitis from poison ivy.", "It is an allergic reaction to the oil in the plant.",
        ])
        #expect(rash.contains("L23.7"), "\(rash)")
        #expect(!rash.contains("T78.40XA"), "\(rash)")
        let flu = icd10(["Influenza A, rapid test positive.", "Sore throat from acute pharyngitis."])
        #expect(flu.contains("J10.1"), "\(flu)")
        #expect(!flu.contains("J02.9"), "\(flu)")
    }
}
