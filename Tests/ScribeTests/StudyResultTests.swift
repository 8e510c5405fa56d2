import Testing

@testable import Scribe

/// Results the clinician reads out (often after asking the recording assistant to show the study) belong under
/// RESULTS, even once the assessment has begun; what the assistant is asked to show is never a sentence of its own.
/// The visit below was written for these tests, in the shape of ACI-Bench's virtual-assistant visits.
@Suite("Study results read out in the visit")
struct StudyResultTests {
    static let visit = """
        [doctor] hi , brian . so brian is a 58-year-old male with a history of congestive heart failure who presents \
        today with shortness of breath .
        [patient] yeah , i get winded going up the stairs for the last two weeks .
        [doctor] okay . i'm just going to do a quick physical exam . on your lung exam , i do appreciate some fine \
        crackles at the bases bilaterally .
        [doctor] i want to go ahead and look at some of your results , okay ?
        [patient] sure .
        [doctor] hey , dragon , show me the echocardiogram . so this is the echocardiogram that we did about four \
        months ago , and it shows that the pumping function of your heart is reduced at 45 % , and it also shows the \
        mitral regurgitation that you have .
        [doctor] so for your congestive heart failure , i want to increase your lasix to 80 mg once a day .
        """

    @Test("a result read after `show me the ...` is under RESULTS, whole, and the command is not in the note")
    func shownStudyIsAResult() throws {
        let note = try NoteWriter().note(transcript: Self.visit)
        let results = note.statements.filter { $0.subsection == "RESULTS" }
        #expect(results.contains { $0.text.contains("45 %") && $0.text.contains("mitral regurgitation") })
        #expect(!note.assessment.contains("45 %"))
        #expect(!(note.subjective + note.objective + note.assessment + note.plan).lowercased().contains("show me"))
        #expect(note.plan.lowercased().contains("lasix to 80 mg"))
    }

    @Test("announcing a review of results keeps the visit in its examination")
    func resultReviewStaysInExamination() {
        let haystack = PhraseList.haystack("I want to look at some of your results.")
        #expect(Phrasing.phase(after: haystack, current: .examination) == .examination)
        // An order for a new study still starts the plan.
        let order = PhraseList.haystack("I want to get an x-ray of your knee.")
        #expect(Phrasing.phase(after: order, current: .examination) == .assessmentPlan)
    }

    @Test(
        "which sentences read a study's result",
        arguments: [
            ("it does show that there is no fracture of the right knee on the x-ray", true),
            ("the echocardiogram showed an ejection fraction of 45 %", true),
            ("we will repeat the x-ray in two weeks to see if it shows healing", false),
            ("your knee shows some swelling", false),
        ])
    func readsResult(text: String, reads: Bool) {
        let haystack = PhraseList.haystack(text)
        #expect(NoteWriter.readsResult(SectionModel.tokens(text), haystack: haystack) == reads)
    }

    @Test(
        "the examiner's own clause after a finding goes; a finding of under four words keeps it",
        arguments: [
            (
                "Right knee x-ray: no fracture, residual arthritis, that we are working on improving.",
                "Right knee x-ray: no fracture, residual arthritis."
            ),
            ("3/6 systolic ejection murmur, which we have heard in the past.", "3/6 systolic ejection murmur."),
            ("No edema in the legs, and I do not hear wheezes.", "No edema in the legs, and I do not hear wheezes."),
            ("Pain to palpation at L5, so I want to get an MRI.", "Pain to palpation at L5."),
            ("No edema, and the pulses are intact.", "No edema, and the pulses are intact."),
        ])
    func examinerTail(text: String, expected: String) {
        #expect(ClinicalStyle.withoutExaminerTail(text) == expected)
    }

    @Test(
        "a relative clause whose object is its antecedent ends a sentence whole",
        arguments: [
            (["the", "mitral", "regurgitation", "that", "he", "has."], true),
            (["the", "medication", "which", "she", "had."], true),
            (["the", "patient", "has", "been", "taking", "he", "has."], false),
            (["and", "he", "has."], false),
        ])
    func relativeClause(words: [String], whole: Bool) {
        #expect(ClinicalStyle.endsRelativeClause(words) == whole)
    }

    @Test("a negation left alone after a cut-off, or a clause cut off mid-phrase, is no finding")
    func loneNegation() {
        #expect(ClinicalStyle.findings("Chest x-ray looks good, and there is no.").allSatisfy { $0 != "No." })
        #expect(ClinicalStyle.findings("Arthritis in.").isEmpty)
        #expect(
            ClinicalStyle.findings("Tenderness over the joint that he has.") == [
                "Tenderness over the joint that he has."
            ])
    }

    @Test(
        "the examiner narrating the next step is no finding; a finding said with it is",
        arguments: [
            ("Elbow: Do a focused exam on that right elbow.", true),
            ("Review the x-ray that we did of his elbow.", true),
            ("On his neurovascular exam of his left arm.", true),
            ("Check reflexes and they are all normal.", false),
            ("Do not see any evidence of a fracture.", false),
            ("On exam, his lungs are clear.", false),
            ("Elbow: Moderate tenderness of the medial epicondyle.", false),
        ])
    func narration(text: String, narrates: Bool) {
        #expect(ClinicalStyle.isExaminerNarration(text) == narrates)
    }

    @Test(
        "where or how the examiner looked, with no finding, is no finding",
        arguments: [
            ("Skin: On her chest.", true),
            ("Looking at her head and her neck.", true),
            ("Elbow: The inside of his right elbow.", true),
            ("Per the template, down through neurologic.", true),
            ("On exam, his lungs are clear.", false),
            ("Tonsils swollen.", false),
            ("Neck: No lymphadenopathy.", false),
            ("Alert, oriented to time, place, and person.", false),
            ("Knee: Full range of motion of the right knee.", false),
            ("On the right, 2+ pulses.", false),
        ])
    func bareSetting(text: String, bare: Bool) {
        #expect(ClinicalStyle.isBareSetting(text) == bare)
    }
}
