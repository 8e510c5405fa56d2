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

    @Test("the patient asking what it is ends the examination; labs read as normal are results; an if is not")
    func patientAsksWhatItIs() throws {
        let visit = """
            [doctor] so linda is a 45-year-old female with three weeks of pain under her right ribs after meals .
            [patient] it's worse after fried food .
            [doctor] okay . let me examine you . there's tenderness in the right upper quadrant . murphy's sign is \
            negative .
            [patient] so what do you think it is ?
            [doctor] so , i got your labs back from friday , and your liver tests are normal . the pain after fatty \
            meals could be your gallbladder , like gallstones , but i'm not sure yet . uric acid and bile can build \
            up and it gets very inflamed .
            [doctor] if the ultrasound shows gallstones , then we'd talk with a surgeon about taking the \
            gallbladder out .
            """
        let note = try NoteWriter().note(transcript: visit)
        let objective = note.objective.lowercased()
        #expect(objective.contains("right upper quadrant"), "\(note.objective)")
        #expect(objective.contains("liver tests are normal"), "\(note.objective)")
        #expect(!objective.contains("gallbladder"), "\(note.objective)")
        #expect(!objective.contains("inflamed"), "\(note.objective)")
        #expect(!note.assessment.lowercased().contains("liver tests"), "\(note.assessment)")
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
