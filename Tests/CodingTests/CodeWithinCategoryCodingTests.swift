import Testing

@testable import Coding
@testable import Scribe

/// The code chosen within a category by the words the note says. The lines are written for this project.
@Suite("Billing codes: the code within its category")
struct CodeWithinCategoryCodingTests {
    func icd10(_ lines: [String]) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines)).icd10.map(\.code)
    }

    @Test("a `with` said twice of other things does not choose a title that repeats `with` (`... with coma`)")
    func repeatedWith() {
        let low = icd10(["Type 2 diabetes with hypoglycemia, with readings in the 50s, no loss of consciousness."])
        #expect(low.contains("E11.649"), "\(low)")
        #expect(!low.contains("E11.641"), "\(low)")
        let coma = icd10(["Type 2 diabetes with hypoglycemia with coma."])
        #expect(coma.contains("E11.641"), "\(coma)")
    }

    @Test("Parkinson's disease is coded by the dyskinesia and fluctuations the note states, parkinsonism as such")
    func parkinsonsByStatedFeatures() {
        let fluctuating = icd10(["Parkinson's disease with motor fluctuations, without dyskinesia."])
        #expect(fluctuating.contains("G20.A2"), "\(fluctuating)")
        let dyskinetic = icd10(["Parkinson's disease with dyskinesia."])
        #expect(dyskinetic.contains("G20.B1"), "\(dyskinetic)")
        let plain = icd10(["Parkinson's disease, stable on carbidopa-levodopa."])
        #expect(plain.contains("G20.A1"), "\(plain)")
        let parkinsonism = icd10(["Parkinsonism."])
        #expect(parkinsonism.contains("G20.C"), "\(parkinsonism)")
    }
}
