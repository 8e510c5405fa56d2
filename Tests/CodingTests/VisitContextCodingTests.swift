import Foundation
import Terminology
import Testing

@testable import Coding
@testable import Scribe

/// What a dialogue's history says that the assessment does not repeat: chronic conditions kept under treatment,
/// the patient's tobacco status, the stage said in the talk; and the COPD combination code. The dialogues are
/// written for this project.
@Suite("Billing codes: chronic conditions treated, tobacco status, stages from the talk")
struct VisitContextCodingTests {
    func icd10(_ transcript: String) throws -> [String] { try dialogueICD10(transcript) }

    /// A visit for a sprain from a patient whose history names conditions; `medicine` is what they take.
    func sprainVisit(history: String, medicine: String) -> String {
        """
        [doctor] so , dana is a 58 year old female with a past medical history significant for \(history) , who is \
        here today for a right ankle injury . what happened ?
        [patient] i rolled my ankle stepping off a curb two days ago .
        [doctor] okay . and what medicines are you on ?
        [patient] just the \(medicine) every morning .
        [doctor] alright , let me take a look . on exam , there is swelling over the right lateral ankle .
        [doctor] so you have a right ankle sprain . we'll use a brace , ice and elevation , and i'll see you in two weeks .
        """
    }

    @Test("every treated problem names its drugs in the clinical lexicon")
    func treatedProblemsHaveDrugs() {
        for name in DiagnosisCoder.managedProblems.keys {
            #expect(ClinicalLexicon.problemIndicators[name]?.isEmpty == false, "\(name)")
        }
    }

    @Test("a condition of the history is coded when a drug for it is among the medications, not otherwise")
    func treatedConditions() throws {
        let treated = try icd10(sprainVisit(history: "high blood pressure", medicine: "lisinopril"))
        #expect(treated.contains("I10"), "\(treated)")
        #expect(treated.first?.hasPrefix("S93.4") == true, "\(treated)")
        // A drug for something else does not make the hypertension treated here.
        let other = try icd10(sprainVisit(history: "high blood pressure", medicine: "levothyroxine"))
        #expect(!other.contains("I10"), "\(other)")
        // A relative's condition is not the patient's.
        let family = try icd10(
            sprainVisit(history: "asthma and a mother with hypertension", medicine: "lisinopril"))
        #expect(!family.contains("I10"), "\(family)")
    }

    @Test("the topic of care beside its drug names the condition: your blood pressure, you're on lisinopril")
    func topicBesideDrug() throws {
        let transcript = """
            [doctor] hi , walter . how is the knee doing since the injection ?
            [patient] much better , i can do the stairs again .
            [doctor] good . and your blood pressure , you're on lisinopril ten , right ?
            [patient] yes , every day .
            [doctor] let me listen . your blood pressure today is one twenty six over seventy eight , heart regular .
            [doctor] so the knee arthritis is better after the injection . for your blood pressure , it's well \
            controlled , so keep the lisinopril ten .
            """
        let codes = try icd10(transcript)
        #expect(codes.contains("I10"), "\(codes)")
        // Without the drug, a blood pressure reading names no condition.
        let reading = transcript.replacingOccurrences(of: "lisinopril", with: "vitamin d")
        #expect(try !icd10(reading).contains("I10"))
    }

    @Test("the stage said in the talk beats the note's unspecified code, and stays beside the combination code")
    func stageFromTheTalk() {
        let note = assessmentNote(["Chronic kidney disease.", "Type 2 diabetes."])
        let talk = NoteStatement(
            section: .assessment, text: "so that puts you in what we call chronic kidney disease stage 3a .",
            evidence: [0..<10])
        let codes = Coder.shared.diagnoses.codes(for: note, medications: [], spoken: [talk]).map(\.code)
        #expect(codes.contains("N18.31") && !codes.contains("N18.9"), "\(codes)")
        #expect(codes.contains("E11.22"), "\(codes)")
        // Without the talk, the unspecified stage stays beside the diabetic kidney disease it qualifies.
        let alone = Coder.shared.diagnoses.codes(for: note, medications: []).map(\.code)
        #expect(alone.contains("N18.9") && alone.contains("E11.22"), "\(alone)")
    }

    @Test("COPD with a current acute bronchitis is J44.0 with the bronchitis; with a pneumonia resolved it is not")
    func copdWithInfection() {
        let current = Coder.shared.codes(for: assessmentNote(["Acute bronchitis on top of his COPD."])).icd10.map(
            \.code)
        #expect(current.contains("J44.0") && current.contains("J20.9"), "\(current)")
        #expect(!current.contains("J44.9"), "\(current)")
        let resolved = Coder.shared.codes(
            for: assessmentNote(["Follow-up after completed treatment of pneumonia, resolved.", "COPD, stable."])
        ).icd10.map(\.code)
        #expect(resolved.contains("J44.9") && !resolved.contains("J44.0"), "\(resolved)")
    }

    /// A visit for a cough whose social history is one exchange.
    func coughVisit(asked: String, answer: String) -> String {
        """
        [doctor] hi , what brings you in today ?
        [patient] i've had a sore throat for three days .
        [doctor] \(asked)
        [patient] \(answer)
        [doctor] okay . let me take a look . on exam , your throat is red , no exudate , lungs are clear .
        [doctor] so you have viral pharyngitis . salt water gargles and tylenol , and call if it gets worse .
        """
    }

    @Test("the tobacco status from the exchange about it: current, former, never, someone else's")
    func tobaccoStatus() throws {
        let current = try icd10(coughVisit(asked: "are you still smoking ?", answer: "yeah . about a pack a day ."))
        #expect(current.contains("F17.210") && !current.contains("Z87.891"), "\(current)")
        let former = try icd10(
            coughVisit(asked: "and you quit smoking a few years ago , right ?", answer: "yes , three years ago ."))
        #expect(former.contains("Z87.891") && !former.contains("F17.210"), "\(former)")
        let usedTo = try icd10(coughVisit(asked: "do you smoke ?", answer: "not anymore , i quit when i was forty ."))
        #expect(usedTo.contains("Z87.891"), "\(usedTo)")
        for (asked, answer) in [
            ("do you smoke ?", "no , never ."), ("do you smoke ?", "no ."), ("do you smoke ?", "i don't smoke ."),
            ("does anyone smoke around you at home ?", "my husband does ."),
        ] {
            let codes = try icd10(coughVisit(asked: asked, answer: answer))
            #expect(!codes.contains("F17.210") && !codes.contains("Z87.891"), "\(asked) \(answer): \(codes)")
        }
    }
}

extension VisitContextCodingTests {
    @Test("urinary symptoms filed anywhere but the plan make the enlarged prostate N40.1; the plan's warnings do not")
    func urinarySymptomsOutsideThePlan() {
        var note = assessmentNote(["Benign prostatic hyperplasia, continue tamsulosin."])
        note.statements.append(
            NoteStatement(section: .objective, text: "Getting up at night twice, improving.", evidence: [200..<236]))
        #expect(Coder.shared.codes(for: note).icd10.map(\.code) == ["N40.1", "R35.1"])
        let warned = assessmentNote(
            ["Benign prostatic hyperplasia, continue tamsulosin."], plan: ["Call if you are up at night more often."])
        #expect(Coder.shared.codes(for: warned).icd10.map(\.code) == ["N40.0"])
    }

    @Test("the clinician listening to the chest starts the examination")
    func listeningStartsTheExamination() {
        for sentence in ["let me listen .", "listening to your lungs , you have some scattered rhonchi ."] {
            let haystack = PhraseList.haystack(Phrasing.cleanWords(sentence).joined(separator: " "))
            #expect(Phrasing.phase(after: haystack, current: .history) == .examination, "\(sentence)")
        }
    }
}

extension VisitContextCodingTests {
    @Test("a relative's cancer talked over is Z80, also asked back and confirmed; not when denied or unconfirmed")
    func familyCancer() throws {
        let told = try icd10(coughVisit(asked: "any family history ?", answer: "my mom had breast cancer at fifty ."))
        #expect(told.contains("Z80.3"), "\(told)")
        let confirmed = try icd10(
            coughVisit(asked: "and your dad had colon cancer , right ?", answer: "yes , at fifty two ."))
        #expect(confirmed.contains("Z80.0"), "\(confirmed)")
        let corrected = try icd10(
            coughVisit(asked: "and your dad had colon cancer , right ?", answer: "no , he just had polyps ."))
        #expect(!corrected.contains("Z80.0"), "\(corrected)")
        let none = try icd10(coughVisit(asked: "any family history of cancer ?", answer: "no , none ."))
        #expect(!none.contains { $0.hasPrefix("Z80") }, "\(none)")
    }
}

extension VisitContextCodingTests {
    @Test("abdominal pain coded without a site takes the one site the visit gives it")
    func abdominalPainSite() {
        let note = assessmentNote(["Abdominal pain, probably gallstones."])
        func said(_ texts: [String]) -> [String] {
            let visit = texts.map { NoteStatement(section: .subjective, text: $0, evidence: [0..<$0.count]) }
            return Coder.shared.diagnoses.codes(for: note, medications: [], visit: visit).map(\.code)
        }
        let site = said([
            "the pain is right here , under my ribs on the right side .", "no tenderness in the left lower quadrant .",
        ])
        #expect(site.contains("R10.11") && !site.contains("R10.9"), "\(site)")
        // Two sites given: the code keeps none.
        let two = said(["it hurts in the right upper quadrant .", "and in the left lower quadrant ."])
        #expect(two.contains("R10.9"), "\(two)")
    }
}

extension VisitContextCodingTests {
    @Test(
        "prediabetes and an elevated reading the clinician assesses in the talk are coded; the reading not beside hypertension"
    )
    func assessedFindings() {
        func spoken(_ note: Note, _ text: String) -> [String] {
            let talk = NoteStatement(section: .assessment, text: text, evidence: [0..<text.count])
            return Coder.shared.diagnoses.codes(for: note, medications: [], spoken: [talk]).map(\.code)
        }
        let physical = assessmentNote(["Annual physical."])
        #expect(spoken(physical, "so your a1c of 6.1 is in the prediabetes range .").contains("R73.03"))
        #expect(spoken(physical, "you have an elevated blood pressure reading today .").contains("R03.0"))
        let hypertensive = assessmentNote(["Essential hypertension."])
        #expect(!spoken(hypertensive, "you have an elevated blood pressure reading today .").contains("R03.0"))
    }
}
