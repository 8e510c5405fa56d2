import Testing

@testable import Scribe

/// What the clinician explains to the patient while assessing (`that means ...`, `they are ...`) is talk; the
/// assessment keeps the problem and its findings. The visit below was written for these tests.
@Suite("Explanations to the patient stay out of the assessment")
struct AssessmentTalkTests {
    static let visit = """
        [doctor] hi , mark . how are you doing today ?
        [patient] not great . my right shoulder has been hurting for about two weeks since i moved some furniture .
        [doctor] okay . on exam , there is tenderness over the right rotator cuff and pain with abduction .
        [doctor] so for your assessment , i think you have a right rotator cuff strain .
        [doctor] that means that you stretched the tendons of the muscles that move your shoulder .
        [doctor] they are the muscles that help you lift your arm over your head .
        [doctor] your x-ray does show that there is no fracture .
        [doctor] i want you to take ibuprofen 600 mg three times a day and we will refer you to physical therapy .
        """

    @Test("a sentence leaning on what was said before, with no finding of its own, is left out")
    func explanationsLeftOut() throws {
        let note = try NoteWriter().note(transcript: Self.visit)
        #expect(!note.assessment.contains("That means"))
        #expect(!note.assessment.contains("They are the muscles"))
        #expect(note.assessment.lowercased().contains("rotator cuff strain"))
        #expect(note.plan.lowercased().contains("ibuprofen 600 mg"))
    }

    @Test("before the first problem, the assessment keeps only a sentence that names a problem the patient has")
    func preambleWithoutProblem() throws {
        let visit = """
            [doctor] hi , anna . how have you been since the last visit ?
            [patient] pretty good . i check my sugars every morning .
            [doctor] okay . on exam , your lungs are clear and you are not running a fever .
            [doctor] so for my assessment . you have been taking the metformin every day .
            [doctor] for your diabetes , your a1c is seven , so it is well controlled .
            [doctor] for your hypertension , your blood pressure is good today , so continue the lisinopril .
            """
        let note = try NoteWriter().note(transcript: visit)
        #expect(!note.assessment.lowercased().contains("metformin every day"), "\(note.assessment)")
        #expect(note.assessment.contains("Diabetes"), "\(note.assessment)")
    }

    @Test("a problem named by the last words of one more specific problem goes under that problem's heading")
    func generalNameUnderSpecific() throws {
        let visit = """
            [doctor] hi , how are you doing today ?
            [patient] i'm okay , a little tired from the chemo .
            [doctor] so for your lung cancer , the scan shows that the tumor has shrunk .
            [patient] that's great news .
            [doctor] the cancer is responding to the chemotherapy , so we will continue the same regimen .
            """
        let note = try NoteWriter().note(transcript: visit)
        let lines = (note.assessment + "\n" + note.plan).split(separator: "\n").map(String.init)
        #expect(lines.contains("Lung cancer"), "\(note.plan)")
        #expect(!lines.contains("Cancer"), "\(note.plan)")
    }

    @Test(
        "a preamble sentence that states a condition or rules a problem out is assessment",
        arguments: [
            ("The patient has an abrasion of their right knee.", true, false),
            ("She has a bilateral positive Tinel's sign.", true, false),
            ("He has been taking the metformin every day.", false, false),
            ("Unlikely that this is pneumonia, since the fever is gone.", false, true),
            ("We will rule out a fracture with an x-ray.", false, true),
            ("She is not running a fever.", false, false),
        ])
    func preambleKinds(text: String, states: Bool, rulesOut: Bool) {
        #expect(NoteWriter.statesCondition(text) == states)
        #expect(NoteWriter.rulesOut(text) == rulesOut)
    }

    @Test(
        "which sentences lean on what was said before",
        arguments: [
            ("That means he injured the tendons of his shoulder.", true),
            ("They are brief involuntary movements.", true),
            ("It does show moderate mitral regurgitation.", false),
            ("It is 127 over 80.", false),
            ("He has a right rotator cuff strain.", false),
        ])
    func leaning(text: String, leans: Bool) {
        #expect(NoteWriter.leansOnBefore(text) == leans)
    }
}

/// A statement said twice word for word (from the sentence and from the order it states) is written once; the same
/// words under another heading (a drug that is both a medication and an allergy) are not a repeat.
@Suite("Word-for-word repeats")
struct WordForWordRepeatTests {
    @Test("a statement its section and heading already hold is dropped, whatever its length or origin")
    func repeatsDropped() {
        let statements = [
            NoteStatement(
                section: .plan, subsection: "Arthritis", text: "Order an autoimmune panel.", evidence: [0..<5]),
            NoteStatement(
                section: .plan, subsection: "Arthritis", text: "Order an autoimmune panel.", evidence: [0..<5],
                origin: .entities),
            NoteStatement(section: .subjective, subsection: "MEDICATIONS", text: "Penicillin.", evidence: [9..<10]),
            NoteStatement(section: .subjective, subsection: "ALLERGIES", text: "Penicillin.", evidence: [9..<10]),
        ]
        let kept = NoteWriter().withoutRestatements(statements)
        #expect(kept.map(\.text) == ["Order an autoimmune panel.", "Penicillin.", "Penicillin."])
        #expect(kept.map(\.subsection) == ["Arthritis", "MEDICATIONS", "ALLERGIES"])
    }

    @Test("a statement that only names its heading goes when the heading has something else under it")
    func headingNamedAgain() {
        let statements = [
            NoteStatement(section: .assessment, subsection: "Hypertension", text: "Hypertension.", evidence: [0..<5]),
            NoteStatement(
                section: .assessment, subsection: "Hypertension", text: "Blood pressure is well controlled.",
                evidence: [6..<9]),
            NoteStatement(
                section: .assessment, subsection: "Ankle sprain", text: "An ankle sprain.", evidence: [10..<12]),
        ]
        let kept = NoteWriter().withoutRestatements(statements)
        // The sprain's statement is all its heading has, so it stays.
        #expect(kept.map(\.text) == ["Blood pressure is well controlled.", "An ankle sprain."])
    }
}

/// A finding read off the study the clinician has just named in the same turn is a result, not an examination
/// finding. The visit below was written for these tests.
@Suite("Findings read off a study")
struct StudyFindingTests {
    @Test("the sentence after the named x-ray goes under RESULTS; the examination's own finding stays")
    func resultAfterStudy() throws {
        let visit = """
            [doctor] hi , how are you doing ?
            [patient] my right knee has been hurting for a week since i fell on it .
            [doctor] on exam , there is tenderness over the medial joint line of the right knee .
            [doctor] i had a chance to look at your right knee x-ray . this shows good bony alignment with no fracture .
            [doctor] i think you have a knee sprain . i want you to use ice and take ibuprofen 400 mg as needed .
            """
        let note = try NoteWriter().note(transcript: visit)
        let lines = note.objective.split(separator: "\n").map(String.init)
        let results = try #require(lines.firstIndex(of: "RESULTS"))
        let alignment = try #require(lines.firstIndex { $0.contains("bony alignment") })
        let tenderness = try #require(lines.firstIndex { $0.lowercased().contains("tenderness") })
        #expect(alignment > results)
        #expect(tenderness < results)
        // Looking at the study is written as the note writes it.
        #expect(lines.contains("Reviewed their right knee x-ray."))
    }
}
