import Testing

@testable import Scribe

/// After the examination, clinicians often open their assessment without calling it one (`so here's what's going
/// on`, `to sum up`); what follows is the assessment and plan, not more findings. The visit below was written for
/// these tests.
@Suite("An assessment opened without the word")
struct UnannouncedAssessmentTests {
    static let visit = """
        [doctor] hi , tyler . so tyler is a 27-year-old male with asthma who comes in with four days of cough and \
        wheezing .
        [patient] yeah , the trees started blooming and it went into my chest .
        [doctor] okay . let me listen . on exam , you're speaking in full sentences . lungs have scattered expiratory \
        wheezes throughout .
        [doctor] so here's what's going on . you have mild persistent asthma and you're having an acute \
        exacerbation , and the trigger is your allergies .
        [doctor] for the flare , i'm going to give you a short course of prednisone , 40 milligrams a day for five \
        days .
        """

    @Test("the diagnosis said after `here's what's going on` is under ASSESSMENT, not the examination")
    func diagnosisAfterOpening() throws {
        let note = try NoteWriter().note(transcript: Self.visit)
        #expect(note.assessment.lowercased().contains("mild persistent asthma"), "\(note.assessment)")
        #expect(!note.objective.lowercased().contains("persistent asthma"), "\(note.objective)")
        #expect(note.objective.lowercased().contains("wheezes"), "\(note.objective)")
        #expect(note.plan.lowercased().contains("prednisone"), "\(note.plan)")
    }

    @Test("an order given to the recording assistant during the examination is a plan item, not a finding")
    func orderDuringExamination() throws {
        let visit = """
            [doctor] so maria is a 34-year-old female who twisted her right knee playing soccer .
            [patient] it catches and it locked once .
            [doctor] okay . on exam , there is tenderness along the medial joint line of the right knee .
            [doctor] hey dragon , order an mri of the right knee without contrast .
            """
        let note = try NoteWriter().note(transcript: visit)
        #expect(note.plan.lowercased().contains("mri of the right knee"), "\(note.plan)")
        #expect(!note.objective.lowercased().contains("mri"), "\(note.objective)")
        #expect(note.objective.lowercased().contains("medial joint line"), "\(note.objective)")
    }

    @Test(
        "which sentences open the assessment during the examination",
        arguments: [
            ("so here's what's going on.", true),
            ("so, to sum up.", true),
            ("i think you have a sprain of the ankle.", true),
            // A question, and a finding the examiner names as they go, keep the examination.
            ("so what's going on is it hurts here?", false),
            ("it looks like you have good hand grip.", false),
            ("your lungs are clear.", false),
        ])
    func opensAssessment(text: String, opens: Bool) {
        let haystack = PhraseList.haystack(text)
        let next = Phrasing.phase(after: haystack, current: .examination)
        #expect((next == .assessmentPlan) == opens)
        // Before any examination, the history goes on.
        #expect(Phrasing.phase(after: haystack, current: .history) == .history)
    }
}
