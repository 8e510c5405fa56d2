import Testing

@testable import Coding
@testable import Scribe

/// Long-term drug codes beside diabetes: none for a drug the note says was stopped, no long-term insulin code beside
/// type 1 diabetes, and a complication of unstated type in a type 1 patient coded as type 1. The lines are written
/// for this project.
@Suite("Billing codes: diabetes drugs stopped, type 1 diabetes and its complications")
struct DiabetesTherapyCodingTests {
    @Test("a diabetes drug the history says was stopped is no long-term therapy; one still taken is")
    func stoppedDrug() {
        let note = assessmentNote(
            ["Type 2 diabetes mellitus without complications, on insulin glargine nightly."],
            subjective: ["Glipizide was discontinued two years ago after low sugars."])
        let medications = ["glipizide", "insulin glargine"]
        let codes = Coder.shared.codes(for: note, request: Coder.Request(medications: medications)).icd10.map(\.code)
        #expect(codes.contains("Z79.4"), "\(codes)")
        #expect(!codes.contains("Z79.84"), "\(codes)")
        let still = assessmentNote(
            ["Type 2 diabetes mellitus without complications."], subjective: ["Takes glipizide every morning."])
        let taken = Coder.shared.codes(for: still, request: Coder.Request(medications: ["glipizide"])).icd10
            .map(\.code)
        #expect(taken.contains("Z79.84"), "\(taken)")
    }

    @Test("type 1 diabetes takes no long-term insulin code, and its complication of unstated type is type 1")
    func typeOne() {
        let note = assessmentNote([
            "Type 1 diabetes mellitus with hyperglycemia, on an insulin pump.",
            "Diabetic retinopathy, mild nonproliferative, without macular edema, both eyes.",
        ])
        let codes = Coder.shared.codes(for: note, request: Coder.Request(medications: ["insulin lispro"])).icd10
            .map(\.code)
        #expect(codes.contains("E10.65"), "\(codes)")
        #expect(!codes.contains("Z79.4"), "\(codes)")
        #expect(codes.contains { $0.hasPrefix("E10.329") }, "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("E11") }, "\(codes)")
    }
}
