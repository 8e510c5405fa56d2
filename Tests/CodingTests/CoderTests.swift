import Terminology
import Testing

@testable import Coding
@testable import Scribe

/// The coding rules, each on short assessments and transcripts written for this project.
@Suite("Billing codes: ICD-10-CM rules")
struct DiagnosisRuleTests {
    func icd10(_ lines: [String], subjective: [String] = [], plan: [String] = []) -> [String] {
        Coder.shared.codes(for: assessmentNote(lines, subjective: subjective, plan: plan)).icd10.map(\.code)
    }

    @Test(
        "negated and ruled-out conditions are never coded",
        arguments: [
            "No evidence of pneumonia.", "Pulmonary embolism ruled out.", "Denies chest pain.",
            "Negative for strep throat.", "Without signs of cellulitis.", "Appendicitis is unlikely.",
        ])
    func negated(line: String) {
        #expect(icd10([line]).isEmpty, "\(line) → \(icd10([line]))")
    }

    @Test("a denial runs through a list; `without` stops at the comma; a negative test covers the list before it")
    func negationScope() {
        #expect(icd10(["COVID-19 and influenza PCR negative."]).isEmpty)
        #expect(icd10(["Seizure not suspected."]).isEmpty)
        #expect(icd10(["Monospot negative; mononucleosis not supported."]).isEmpty)
        #expect(icd10(["Acute bronchitis. No fever, wheezing or shortness of breath."]) == ["J20.9"])
        #expect(icd10(["Coronary artery disease without angina, s/p PCI with stent."]) == ["I25.10", "Z95.5"])
    }

    @Test("an uncertain diagnosis is coded by the symptoms documented with it")
    func uncertain() {
        #expect(icd10(["Chest pain, likely costochondritis."]) == ["R07.9"])
        #expect(icd10(["Headache, rule out migraine."]) == ["R51.9"])
        // None beside it: the presenting symptoms from the history.
        let codes = icd10(["Possible pneumonia; chest x-ray ordered."], subjective: ["Cough and fever for three days."])
        #expect(codes.contains("R50.9"))
        #expect(codes.contains { $0.hasPrefix("R05") })
        #expect(!codes.contains { $0.hasPrefix("J18") })
    }

    @Test("history of a resolved condition takes its Z code; a chronic one is still present")
    func history() {
        #expect(icd10(["History of breast cancer, treatment completed."]) == ["Z85.3"])
        #expect(icd10(["History of DVT."]) == ["Z86.718"])
        #expect(icd10(["Status post MI."]) == ["I25.2"])
        #expect(icd10(["History of hypertension, on lisinopril."]) == ["I10"])
        #expect(icd10(["Family history of colon cancer."]) == ["Z80.0"])
    }

    @Test("side and specificity come from the note")
    func specificity() {
        #expect(icd10(["Right knee osteoarthritis."]) == ["M17.11"])
        #expect(icd10(["Osteoarthritis of both knees."]) == ["M17.0"])
        #expect(icd10(["Sprained left ankle."]) == ["S93.402A"])
        #expect(icd10(["Knee osteoarthritis."]) == ["M17.9"])
        // Both sides where the classification has only right and left codes.
        #expect(icd10(["Bilateral pes planus."]) == ["M21.41", "M21.42"])
        #expect(icd10(["Acute otitis media, left ear."]) == ["H66.92"])
    }

    @Test("combination codes: diabetes with its complication, hypertension with CKD or heart failure")
    func combinations() {
        #expect(icd10(["Type 2 diabetes with neuropathy."]) == ["E11.40"])
        #expect(icd10(["Type 2 diabetes, poorly controlled."]) == ["E11.65"])
        #expect(icd10(["1. Hypertension.", "2. CKD stage 3a."]) == ["I12.9", "N18.31"])
        #expect(icd10(["1. Chronic systolic heart failure.", "2. Hypertension."]) == ["I11.0", "I50.22"])
        #expect(icd10(["Type 2 diabetes with diabetic chronic kidney disease, stage 4."]) == ["E11.22", "N18.4"])
        #expect(icd10(["Type 2 diabetes, on insulin glargine and metformin."]) == ["E11.9", "Z79.4", "Z79.84"])
    }

    @Test("codes that exclude each other (Excludes1) are not reported together for one problem")
    func excludes1() throws {
        let codes = icd10(["Type 1 diabetes mellitus, type 2 diabetes mellitus."])
        #expect(codes.count == 1)
        let type1 = try #require(ICD10CM.shared.code("E10.9")), type2 = try #require(ICD10CM.shared.code("E11.9"))
        #expect(type1.excludes1(type2))
    }

    @Test("a symptom a diagnosis explains is not coded beside it")
    func integralSymptoms() {
        #expect(icd10(["Viral URI with congestion and cough. Honey for cough."]) == ["J06.9"])
        #expect(icd10(["Influenza A with fever and myalgias."]) == ["J10.1"])
    }

    @Test("the main reason for the visit is listed first")
    func firstListed() {
        let codes = icd10(["1. Hypertension, stable.", "2. Strep throat."], subjective: ["Sore throat for two days."])
        #expect(codes.first == "J02.0")
        #expect(icd10(["1. Hyperlipidemia.", "2. Annual physical exam."]).first == "Z00.01")
    }

    @Test("a device or operation is coded only when the patient has it, not when it is planned")
    func status() {
        #expect(icd10(["Left hip osteoarthritis; refer for total hip arthroplasty."]) == ["M16.12"])
        #expect(icd10(["Status post right total knee arthroplasty, doing well."]) == ["Z96.651"])
    }

    @Test("only billable codes, each with its official title, confidence, rank and evidence")
    func shape() throws {
        let note = assessmentNote(["1. Essential hypertension.", "2. Type 2 diabetes with hyperglycemia.", "3. Gout."])
        let codes = Coder.shared.codes(for: note).icd10
        #expect(codes.map(\.rank) == Array(1...codes.count))
        for code in codes {
            let official = try #require(ICD10CM.shared.code(code.code))
            #expect(official.isBillable)
            #expect(official.title == code.description)
            #expect((0...1).contains(code.confidence))
            #expect(!code.evidence.isEmpty)
            #expect(code.evidence.allSatisfy { !$0.ranges.isEmpty && !$0.statement.isEmpty })
            #expect(code.code.contains(".") || code.code.count == 3)
        }
    }

    @Test("an assessment text is split into its numbered problems")
    func assessmentText() {
        let codes = Coder.shared.codes(forAssessment: "1. HTN, controlled. 2. HLD - continue statin.\n3. GERD.").icd10
        #expect(codes.map(\.code) == ["I10", "E78.5", "K21.9"])
        #expect(codes[1].evidence.first?.statement == "HLD - continue statin.")
    }
}

@Suite("Billing codes: CPT, HCPCS and the visit level")
struct ServiceRuleTests {
    func codes(_ transcript: String, specialty: Specialty = .generic, patient: VisitLevel.Patient? = nil) throws -> BillingCodes {
        let note = try NoteWriter().note(transcript: transcript, specialty: specialty)
        return Coder.shared.codes(for: note, request: Coder.Request(patient: patient, transcript: transcript))
    }

    static let chronicVisit = """
        [doctor] good to see you again. how have the blood pressure and the diabetes been since your last visit?
        [patient] pretty good. i take the lisinopril every morning and the metformin twice a day.
        [doctor] your blood pressure today is 128/78 and your a1c came back at 6.9.
        [doctor] assessment: hypertension, well controlled. type 2 diabetes, stable.
        [doctor] plan: continue lisinopril 10 mg daily and metformin 500 mg twice daily. we'll check a lipid panel and a cmp before the next visit.
        """

    @Test("the E/M level follows medical decision making: two stable chronic illnesses with drug management")
    func moderateDecisionMaking() throws {
        let result = try codes(Self.chronicVisit)
        let level = try #require(result.visitLevel)
        #expect(level.patient == .established)
        #expect(level.problems.level == .moderate)
        #expect(level.risk.level == .moderate)
        #expect(level.code == "99214")
        #expect(result.cpt.first?.code == "99214")
        #expect(result.icd10.map(\.code).contains("I10"))
    }

    @Test("total time stated raises the level; a new patient gets the new-patient codes")
    func time() throws {
        let timed = try codes(Self.chronicVisit + "\n[doctor] i spent a total of 45 minutes on your care today.")
        #expect(timed.visitLevel?.code == "99215")
        #expect(timed.visitLevel?.basis == "time")
        #expect(timed.visitLevel?.minutes == 45)
        let new = try codes(Self.chronicVisit, patient: .new)
        #expect(new.visitLevel?.code == "99204")
    }

    @Test("a procedure with a separate problem: the E/M gets modifier 25; the drug's units come from the dose")
    func modifier25() throws {
        let transcript = """
            [doctor] your right knee arthritis is acting up again, so today we'll do a steroid injection.
            [patient] okay. my reflux has been worse too.
            [doctor] assessment: right knee osteoarthritis. gastroesophageal reflux disease, worsening.
            [doctor] plan: i injected the right knee with kenalog 40 mg and lidocaine today, and she tolerated it well. start omeprazole 20 mg daily.
            """
        let result = try codes(transcript)
        let visit = try #require(result.cpt.first { $0.code.hasPrefix("992") })
        #expect(visit.modifiers == ["25"])
        #expect(result.cpt.contains { $0.code == "20610" })
        let drug = try #require(result.hcpcs.first { $0.code == "J3301" })
        #expect(drug.units == 4)
    }

    @Test("vaccines given: the product and its administration")
    func vaccines() throws {
        let transcript = """
            [doctor] you're here for a check of your blood pressure, and you're due for a flu shot.
            [doctor] assessment: essential hypertension, stable on amlodipine.
            [doctor] plan: continue amlodipine 5 mg daily. the flu vaccine was given today in the left deltoid.
            """
        let result = try codes(transcript)
        #expect(result.cpt.contains { $0.code == "90656" })
        #expect(result.cpt.contains { $0.code == "90471" })
        #expect(result.cpt.first?.modifiers == ["25"])
    }

    @Test("supplies dispensed at the visit get HCPCS codes; those only recommended do not")
    func supplies() throws {
        let dispensed = """
            [doctor] you have a sprain of the right ankle, no fracture on the x-ray.
            [doctor] assessment: right ankle sprain. plan: crutches were dispensed today and fitted for height; ice and elevation.
            """
        #expect(try codes(dispensed).hcpcs.contains { $0.code == "E0114" })
        let recommended = """
            [doctor] you have a sprain of the right ankle, no fracture on the x-ray.
            [doctor] assessment: right ankle sprain. plan: you could buy crutches at the pharmacy if walking hurts.
            """
        #expect(try !codes(recommended).hcpcs.contains { $0.code == "E0114" })
    }

    @Test("therapy time codes follow the 8-minute rule")
    func therapy() throws {
        let transcript = """
            [therapist] today we did 15 minutes of therapeutic exercise for your knee and 10 minutes of manual therapy.
            [patient] the knee feels looser after the manual therapy.
            [therapist] assessment: right knee pain improving with therapy. plan: continue twice weekly.
            """
        let result = try codes(transcript, specialty: .physicalTherapy)
        #expect(result.visitLevel == nil)
        #expect(result.cpt.first { $0.code == "97110" }?.units == 1)
        #expect(result.cpt.first { $0.code == "97140" }?.units == 1)
        // Every specialty's path numbers its codes from 1 (the /v1 API's schema says so).
        #expect(result.cpt.map(\.rank) == Array(1...result.cpt.count))
    }

    @Test("psychotherapy codes go by session length")
    func psychotherapy() throws {
        let transcript = """
            [therapist] we spent 55 minutes in today's psychotherapy session working on the cbt thought records.
            [patient] the thought records helped with the anxiety this week.
            [therapist] assessment: generalized anxiety disorder, improving. plan: weekly sessions.
            """
        let result = try codes(transcript, specialty: .psychotherapist)
        #expect(result.cpt.map(\.code) == ["90837"])
        #expect(result.cpt.map(\.rank) == [1])
        #expect(result.icd10.first?.code == "F41.1")
    }

    @Test("dental notes get CDT codes and no E/M; veterinary notes get no human codes")
    func dentalAndVeterinary() throws {
        let dental = """
            [dentist] we took four bitewings today and did your cleaning. there's a cavity on tooth number 3.
            [dentist] i placed a two surface composite filling on tooth 3 today.
            [patient] thank you.
            """
        let result = try codes(dental, specialty: .dentist)
        #expect(result.visitLevel == nil)
        #expect(result.cpt.isEmpty)
        #expect(result.hcpcs.allSatisfy { $0.system == .cdt && $0.code.hasPrefix("D") })
        #expect(result.hcpcs.contains { $0.code == "D1110" })
        #expect(result.hcpcs.contains { $0.code == "D2392" })
        let veterinary = try codes(
            "[veterinarian] max has an ear infection in the left ear. we'll start otic drops.\n[owner] okay, thank you.",
            specialty: .veterinary)
        #expect(veterinary.icd10.isEmpty && veterinary.cpt.isEmpty && veterinary.hcpcs.isEmpty)
        #expect(veterinary.notices.first?.contains("human") == true)
    }
}

@Suite("Billing codes: any input")
struct CoderRobustnessTests {
    /// A small deterministic generator (the test must give the same inputs every run).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let pieces = [
        "no", "not", "without", "rule out", "likely", "versus", "history of", "s/p", "family history of", "mother",
        "right", "left", "bilateral", "both", "R > L", "type 2", "diabetes", "DM2", "with", "neuropathy", "CKD",
        "stage 3b", "hypertension", "HTN", "heart failure", "fracture", "ankle", "sprain", "knee", "osteoarthritis",
        "pain", "cough", "fever", "BMI 42", "obesity", "insulin", "metformin", "apixaban", "1.", "2)", ",", ";", ".",
        "-", "(", ")", "/", "\n", "—", "é", "🙂", "  ", "3.5", "weeks", "29", "pregnancy", "preeclampsia", "flu shot",
        "given today", "kenalog 40 mg", "injected", "spent 45 minutes", "new patient", "tetanus up to date", "",
    ]

    @Test("random assessments never crash the coder, and every code it gives is billable")
    func randomAssessments() throws {
        var generator = Generator(state: 2026)
        for _ in 0..<1500 {
            let count = Int(generator.next() % 40)
            let text = (0..<count).map { _ in generator.pick(Self.pieces) }.joined(separator: generator.pick([" ", "", ", "]))
            let codes = Coder.shared.codes(forAssessment: text)
            for code in codes.icd10 {
                #expect(ICD10CM.shared.code(code.code)?.isBillable == true, "\(code.code) from \(text.debugDescription)")
            }
        }
    }

    @Test("every maintained concept names a code of the code set, and its phrases reach it")
    func concepts() {
        for concept in Concepts.table {
            #expect(ICD10CM.shared.code(concept.code) != nil, "\(concept.code) is not in ICD-10-CM")
        }
        for (_, code) in Concepts.historyCodes + Concepts.familyCodes {
            #expect(ICD10CM.shared.code(code)?.isBillable == true, "\(code) is not billable")
        }
    }
}
