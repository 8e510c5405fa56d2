import Terminology
import Testing

@testable import Coding
@testable import Scribe

/// The order codes are listed in (the tabular list's sequencing notes, the order the clinician dictated the
/// problems, a screening that is the visit's reason), doubts and denials said in more words than one cue, and
/// family history by the chapter of the relative's condition. The lines are written for this project.
@Suite("Billing codes: sequencing notes, dictated order, doubts, denials and family history by chapter")
struct SequencingAndDoubtCodingTests {
    func icd10(_ lines: [String], subjective: [String] = [], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, subjective: subjective, plan: plan)).icd10.map(\.code)
    }

    @Test("a code whose note says `use additional code` for another comes before it, whatever order it was said in")
    func useAdditionalCodeSequence() throws {
        let codes = icd10([
            "Cigarette smoker with nicotine dependence, counseled to quit.",
            "COPD with acute exacerbation, starting prednisone.",
        ])
        #expect(codes.first == "J44.1", "\(codes)")
        #expect(codes.contains("F17.210"), "\(codes)")
        let diabetic = try #require(ICD10CM.shared.code("E11.649"))
        let notes = DiagnosisCoder.instructions(of: diabetic, .useAdditionalCode)
        #expect(notes.contains { $0.covers("E16A2") }, "\(notes)")
    }

    @Test("a dictated assessment and plan split into two sections keeps the clinician's first problem first")
    func dictatedOrder() {
        // The note puts item 2 under ASSESSMENT and item 1 under PLAN; the transcript said item 1 first.
        let statements = [
            NoteStatement(section: .assessment, text: "2. Generalized anxiety disorder.", evidence: [60..<92]),
            NoteStatement(
                section: .plan, text: "Major depressive disorder, recurrent, moderate.", evidence: [10..<58]),
            NoteStatement(section: .plan, text: "Increase sertraline to 150 mg daily.", evidence: [93..<129]),
        ]
        let note = Note(
            specialty: .generic, template: .standard, transcriptKind: .dictation, statements: statements, entities: [])
        let codes = Coder.shared.codes(for: note).icd10.map(\.code)
        #expect(codes.first == "F33.1", "\(codes)")
        #expect(codes.contains("F41.1"), "\(codes)")
    }

    @Test("a complaint that is a symptom of a coded diagnosis (fever with influenza) makes that diagnosis first")
    func complaintExplainedFirst() {
        let codes = icd10(
            [
                "Type 2 diabetes, well controlled on metformin.",
                "Influenza A, positive rapid test, oseltamivir started.",
            ],
            subjective: ["Two days of fever and body aches."])
        #expect(codes.first?.hasPrefix("J10") == true, "\(codes)")
        #expect(codes.contains { $0.hasPrefix("E11") }, "\(codes)")
    }

    @Test("a screening that is the visit's reason (its indication) is first though the procedure found something")
    func screeningReasonFirst() {
        let codes = icd10(
            ["Sigmoid colon polyp, 5 mm, removed by cold snare; pathology pending."],
            subjective: ["INDICATION: Screening colonoscopy in an asymptomatic 50-year-old man."])
        #expect(codes.first == "Z12.11", "\(codes)")
        #expect(codes.contains("K63.5"), "\(codes)")
    }

    @Test("a gynecological examination that finds a problem is `with abnormal findings` (Z01.411)")
    func gynecologicalFindings() {
        let codes = icd10(["Well woman exam.", "Vulvovaginal candidiasis, fluconazole once."])
        #expect(codes.contains("Z01.411"), "\(codes)")
        #expect(!codes.contains("Z01.419"), "\(codes)")
    }

    @Test("another cause said with `could also be`, and a condition that `needs to be ruled out`, are doubts")
    func longerDoubts() {
        let bloating = icd10(["Bloating and loose stools after meals; it could also be lactose intolerance."])
        #expect(!bloating.contains { $0.hasPrefix("E73") }, "\(bloating)")
        let prostate = icd10(["Elevated PSA at 6.2.", "Prostate cancer needs to be ruled out; MRI ordered."])
        #expect(!prostate.contains("C61"), "\(prostate)")
        #expect(prostate.contains("R97.20"), "\(prostate)")
    }

    @Test("a denial runs on through the urinary symptoms it lists beside an enlarged prostate")
    func deniedUrinarySymptoms() {
        let codes = icd10(
            ["Benign prostatic hyperplasia with nocturia, tamsulosin continued."],
            subjective: [
                "He gets up three times a night to urinate. He denies urgency, daytime frequency or straining."
            ])
        #expect(codes.contains("N40.1"), "\(codes)")
        #expect(codes.contains("R35.1"), "\(codes)")
        #expect(!codes.contains("R35.0"), "\(codes)")
    }

    @Test("a stop that is denied (`don't stop it`) keeps the drug as long-term therapy")
    func deniedStop() {
        let codes = icd10([
            "Moderate persistent asthma, well controlled.",
            "Keep using the fluticasone inhaler twice a day, don't stop it when you feel well.",
        ])
        #expect(codes.contains("Z79.51"), "\(codes)")
        let stopped = icd10(["Moderate persistent asthma, well controlled.", "Stop the fluticasone inhaler."])
        #expect(!stopped.contains("Z79.51"), "\(stopped)")
    }

    @Test("a relative's lasting condition the concept table has no family code for is coded by its chapter")
    func familyHistoryByChapter() {
        let mood = icd10(["Major depressive disorder, single episode, moderate.", "Her mother has bipolar disorder."])
        #expect(mood.contains("Z81.8"), "\(mood)")
        let celiac = icd10(["Diarrhea and bloating for two months.", "Her aunt has celiac disease."])
        #expect(celiac.contains("Z83.79"), "\(celiac)")
        // An acute illness a relative is counseled about is no family history.
        let ear = icd10([
            "Acute suppurative otitis media of the left ear.",
            "Counseled father about smoke exposure and its link to ear infections.",
        ])
        #expect(!ear.contains { $0.hasPrefix("Z83") }, "\(ear)")
    }

    @Test("a parent spoken to after an opener and its own comma (`so , mom , ...`) is no relative with the condition")
    func addressedAfterOpenerComma() throws {
        let codes = try dialogueICD10(
            """
            [doctor] hi , what brings you in today ?
            [patient_guest] he's been wheezing since yesterday with a cold .
            [doctor] okay , let me listen . on exam , he has wheezes in both lungs and a runny nose .
            [doctor] so , mom , what's happening is he has a cold that set off his asthma , an asthma exacerbation .
            [doctor] we'll give him a breathing treatment now .
            """)
        #expect(codes.contains { $0.hasPrefix("J45") }, "\(codes)")
        #expect(!codes.contains("Z82.5"), "\(codes)")
    }
}

