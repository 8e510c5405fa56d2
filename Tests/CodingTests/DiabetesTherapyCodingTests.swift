import Testing

@testable import Coding
@testable import Scribe

/// Long-term drug codes: none for a drug the note says was stopped or only plans to start, immunosuppressants and
/// antimetabolites by their class; no long-term insulin code beside type 1 diabetes, and a complication of unstated
/// type in a type 1 patient coded as type 1. The lines are written for this project.
@Suite("Billing codes: long-term drugs stopped, planned or by class; type 1 diabetes and its complications")
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

    @Test("an immunosuppressant taken is coded by its class; one the plan only means to start is not")
    func immunosuppressants() {
        let biologic = assessmentNote(
            ["Plaque psoriasis, clear on long-term ustekinumab.", "Continue ustekinumab every twelve weeks."])
        let codes = Coder.shared.codes(for: biologic, request: Coder.Request(medications: ["ustekinumab"])).icd10
            .map(\.code)
        #expect(codes.contains("Z79.620"), "\(codes)")
        let antimetabolite = assessmentNote(["Rheumatoid arthritis, continue methotrexate 15 mg every week."])
        let weekly = Coder.shared.codes(for: antimetabolite).icd10.map(\.code)
        #expect(weekly.contains("Z79.631"), "\(weekly)")
        let planned = assessmentNote(["Rheumatoid arthritis, active.", "Will start tofacitinib once approved."])
        let notYet = Coder.shared.codes(for: planned, request: Coder.Request(medications: ["tofacitinib"])).icd10
            .map(\.code)
        #expect(!notYet.contains("Z79.622"), "\(notYet)")
        // The ointment listed after the biologic is another drug's form.
        let listed = assessmentNote(
            ["Psoriasis, stable."], subjective: ["Medications: secukinumab every four weeks, clobetasol ointment."])
        let biologicListed = Coder.shared.codes(for: listed, request: Coder.Request(medications: ["secukinumab"]))
            .icd10.map(\.code)
        #expect(biologicListed.contains("Z79.620"), "\(biologicListed)")
    }
}
