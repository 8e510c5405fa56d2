import Foundation
import Terminology
import Testing

@testable import Coding
@testable import Scribe

/// An elevated blood-pressure reading without hypertension (R03.0), the companion who came with the patient, a
/// vaccine named by its disease, a state free of a condition, an infection the diagnosis explains, and the side the
/// visit examines. The visits are written for this project.
@Suite("Billing codes: elevated readings, companions, vaccines by their diseases, sides from the visit")
struct ReadingsAndVaccinesCodingTests {
    func icd10(_ transcript: String) throws -> [String] { try dialogueICD10(transcript) }

    /// An adult's annual physical with a reading, and what the clinician says of blood pressure in the assessment.
    func physical(reading: String, history: String = "no medical problems", assessment: String) -> String {
        """
        [doctor] good morning , ruth . you're here for your annual physical . you have \(history) , right ?
        [patient] that's right , i feel fine .
        [doctor] alright , let's do the exam . your blood pressure today is \(reading) . heart regular , lungs clear .
        [doctor] so overall , a good physical . \(assessment) i'll see you in a year .
        """
    }

    /// A toddler's well visit the clinician sums up without calling it one.
    static let toddlerWellVisit = """
        [doctor] hi there , look at you walking already . how is she eating ?
        [patient] she eats everything we eat . she drinks whole milk from a cup .
        [doctor] good . any words yet ?
        [patient] mama and dada .
        [doctor] okay let me examine her . ears look clear . heart , no murmur . lungs are clear .
        [doctor] so , this is a healthy fifteen month old , her exam is normal and her development is on track .
        [doctor] today she's due for vaccines . she gets the chickenpox vaccine and the mmr .
        [patient] okay .
        """

    @Test("a healthy toddler summed up is a well-child visit: Z00.129 first, Z23, the preventive visit and the vaccines")
    func wellChildSummedUp() throws {
        let note = try NoteWriter().note(transcript: Self.toddlerWellVisit)
        #expect(note.subjective.contains("Well-child visit."), "\(note.subjective)")
        #expect(note.assessment.contains("healthy 15-month-old"), "\(note.assessment)")
        #expect(note.plan.contains("chickenpox vaccine"), "\(note.plan)")
        let codes = Coder.shared.codes(for: note, request: Coder.Request(transcript: Self.toddlerWellVisit))
        #expect(codes.icd10.first?.code == "Z00.129", "\(codes.icd10.map(\.code))")
        #expect(codes.icd10.contains { $0.code == "Z23" }, "\(codes.icd10.map(\.code))")
        let cpt = codes.cpt.map(\.code)
        #expect(cpt.contains("99392"), "\(cpt)")
        #expect(cpt.contains("90716") && cpt.contains("90707"), "\(cpt)")
        // An adult called healthy is no child's well visit.
        let adult = Self.toddlerWellVisit.replacingOccurrences(of: "fifteen month old", with: "forty year old")
        #expect(try !dialogueICD10(adult).contains("Z00.129"))
    }

    @Test("a murmur the clinician names as innocent is R01.0, and the well visit has an abnormal finding")
    func innocentMurmur() throws {
        let visit = """
            [doctor] we are here for his four year checkup . any concerns ?
            [patient] no , he has been healthy .
            [doctor] lungs are clear . on his heart i'm hearing a soft murmur on the left side .
            [doctor] it's called an innocent murmur , or a still's murmur . it's just the sound of blood flowing through a normal heart , so he doesn't need an echo .
            [patient] okay , good .
            """
        let note = try NoteWriter().note(transcript: visit)
        #expect(note.assessment.contains("Innocent murmur."), "\(note.assessment)")
        let codes = try dialogueICD10(visit)
        #expect(codes.contains("R01.0"), "\(codes)")
        #expect(codes.contains("Z00.121") && !codes.contains("Z00.129"), "\(codes)")
        // What the clinician calls it only when it is a condition (`this is called the ureter` names no diagnosis).
        let explained = try NoteWriter().note(
            transcript: "[doctor] the stone is in the tube from the kidney . this is called the ureter .\n[patient] okay , thank you .")
        #expect(!explained.assessment.contains("Ureter."), "\(explained.assessment)")
    }

    @Test("an elevated reading at a physical without hypertension is R03.0 and the exam has abnormal findings")
    func elevatedReading() throws {
        let codes = try icd10(
            physical(
                reading: "148 over 92",
                assessment:
                    "your blood pressure was up today . that does not mean you have high blood pressure yet , so check it at home for two weeks ."
            ))
        #expect(codes.contains("R03.0"), "\(codes)")
        #expect(codes.contains("Z00.01"), "\(codes)")
        #expect(!codes.contains("I10"), "\(codes)")
        #expect(!codes.contains("Z00.00"), "\(codes)")
    }

    @Test("a normal reading, a goal and known hypertension give no R03.0")
    func noElevatedReading() throws {
        let normal = try icd10(physical(reading: "124 over 78", assessment: "your blood pressure is fine ."))
        #expect(!normal.contains("R03.0"), "\(normal)")
        #expect(normal.contains("Z00.00"), "\(normal)")
        let known = try icd10(
            physical(
                reading: "150 over 94", history: "hypertension on lisinopril",
                assessment: "your hypertension is not at goal , so we will increase the lisinopril ."))
        #expect(!known.contains("R03.0"), "\(known)")
        #expect(known.contains("I10"), "\(known)")
    }

    @Test("a threshold said with the pressure is not a reading")
    func threshold() throws {
        let reason = DiagnosisCoder.thresholdWords
        #expect(reason.contains("above") && reason.contains("if"))
        let codes = try icd10(
            physical(
                reading: "122 over 76",
                assessment: "if your blood pressure stays above 140 over 90 at home , call me ."))
        #expect(!codes.contains("R03.0"), "\(codes)")
    }

    @Test("a relative who came with the patient does not make her conditions family history")
    func companion() throws {
        let transcript = """
            [doctor] so eleanor is an 83 year old woman who comes in with her daughter for follow-up of \
            osteoporosis and hypertension .
            [patient] my hip has been fine .
            [doctor] on exam , blood pressure is 128 over 76 .
            [doctor] your osteoporosis is stable , keep the alendronate . your hypertension is controlled on \
            lisinopril , keep it the same .
            """
        let codes = try icd10(transcript)
        #expect(!codes.contains { $0.hasPrefix("Z82") }, "\(codes)")
        #expect(codes.contains("I10"), "\(codes)")
    }

    @Test("a preventive visit stated with the companion between is the visit's reason")
    func reasonAfterCompanion() throws {
        let statement = NoteStatement(
            section: .subjective,
            text: "Mia is a 4-year-old female here today with her mom for her 4 year well child visit.",
            evidence: [])
        #expect(DiagnosisCoder.statesVisitReason(statement))
        let plain = NoteStatement(
            section: .subjective, text: "She is here with a cough that started two days ago.", evidence: [])
        #expect(!DiagnosisCoder.statesVisitReason(plain))
    }

    @Test("diseases that name a vaccine are not diagnoses; a disease the patient had is")
    func vaccinesByDisease() throws {
        let transcript = """
            [doctor] so this is noah's four year well child visit . he's here with his dad .
            [patient_guest] yes , he's been healthy .
            [doctor] on exam , heart and lungs are normal , growth is normal .
            [doctor] he's due for his shots today . that's the dtap , which is diphtheria , tetanus and whooping cough , \
            the polio vaccine , and the mmr . and it's flu season , so i'd also recommend the flu shot today .
            [doctor] i'll see him next year .
            """
        let codes = try icd10(transcript)
        #expect(!codes.contains { ["A36", "A35", "A37", "J10", "J11"].contains(String($0.prefix(3))) }, "\(codes)")
        #expect(codes.contains("Z00.129"), "\(codes)")
    }

    @Test("a state free of a condition is its absence: a smoke-free home")
    func freeOfCondition() throws {
        let codes = try icd10(
            """
            [doctor] so , liam is here for his twelve month well child check with his mom .
            [patient_guest] he's doing great .
            [doctor] on exam , everything looks normal . keep a smoke-free home and car , and i'll see him at fifteen \
            months .
            """)
        #expect(!codes.contains { $0.hasPrefix("F17") }, "\(codes)")
    }

    @Test("an infection the diagnosis explains as bacterial is the diagnosis's: no A49.9 beside strep throat")
    func bacterialInfectionExplained() throws {
        let codes = try icd10(
            """
            [doctor] hi , sam . what's going on ?
            [patient] my throat has been really sore for three days and i've had a fever .
            [doctor] on exam , the tonsils are swollen with white patches . the rapid strep test is positive .
            [doctor] so you have strep throat , which is a bacterial infection of the throat . we'll start amoxicillin \
            for ten days .
            """)
        #expect(codes.contains("J02.0"), "\(codes)")
        #expect(!codes.contains("A49.9"), "\(codes)")
    }

    @Test("a condition coded without a side takes the one side the visit examines it on")
    func sideFromVisit() throws {
        func codes(_ exam: String) throws -> [ICD10Code] {
            let transcript = """
                [doctor] hi , lily . what brings you in ?
                [patient_guest] she's been pulling at her ear and had a fever last night .
                [doctor] okay . on exam , \(exam)
                [doctor] so she has acute otitis media , an ear infection . we'll start amoxicillin for ten days .
                """
            let note = try NoteWriter().note(transcript: transcript)
            return Coder.shared.codes(for: note, request: Coder.Request(transcript: transcript)).icd10.compactMap {
                ICD10CM.shared.code($0.code)
            }
        }
        let left = try codes("the left eardrum is red and bulging .")
        #expect(left.contains { $0.category == "H66" && $0.title.hasSuffix("left ear") }, "\(left)")
        #expect(!left.contains { $0.title.hasSuffix("unspecified ear") }, "\(left)")
        // Both sides named with a finding: no side is chosen.
        let both = try codes("the left eardrum is red , and the right eardrum is red too .")
        #expect(!both.contains { $0.title.hasSuffix("left ear") || $0.title.hasSuffix("right ear") }, "\(both)")
        // The normal ear names no side of the condition.
        let normal = try codes("the right eardrum looks normal . the left eardrum is red and bulging .")
        #expect(normal.contains { $0.title.hasSuffix("left ear") }, "\(normal)")
    }

    @Test("a relative's condition named by the possessive is family history; the patient's own listed after it is not")
    func relativesPossessive() throws {
        let codes = try icd10(
            """
            [doctor] so david is a 49 year old male with high cholesterol who presents with two weeks of chest pain .
            [patient] it comes and goes , sometimes when i walk uphill .
            [doctor] do you smoke ?
            [patient] i quit five years ago .
            [doctor] we did an ecg here today , and it's normal .
            [doctor] with your father's heart attack at a young age , your past smoking , and your hyperlipidemia , \
            i need to rule out angina . take a baby aspirin every day until the stress test .
            """)
        #expect(!codes.contains { $0.hasPrefix("I21") }, "\(codes)")
        #expect(codes.contains("Z82.49"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("Z83.4") }, "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("F17") }, "\(codes)")
        #expect(!codes.contains("Z79.82"), "\(codes)")
        // A relative named without the possessive keeps what follows in the clause (`my father had a heart attack
        // in his fifties`).
        #expect(!ConditionContext.ownedAfterRelative(["my", "father", "had", "it", "in", "his", "fifties"], before: 6))
        #expect(ConditionContext.ownedAfterRelative(["his", "father's", "stroke", "and", "his", "diabetes"], before: 5))
    }

    @Test("a child's body mass index is coded by its percentile for age, read from the examination")
    func pediatricPercentile() throws {
        let codes = try icd10(
            """
            [doctor] so max is a 9 year old boy here with his mom for his well child check .
            [patient_guest] he's been healthy , just eating a lot of snacks .
            [doctor] on exam , his height is at the 60th percentile , and his bmi is 24 , which is at the 97th \
            percentile for his age . heart and lungs are normal .
            [doctor] so he has obesity . we'll work on snacks and screen time , and i'll see him in a year .
            """)
        #expect(codes.contains("Z68.54"), "\(codes)")
        #expect(!codes.contains("Z68.24"), "\(codes)")
        #expect(DiagnosisCoder.ordinal("97th") == 97 && DiagnosisCoder.ordinal("3rd") == 3)
        #expect(DiagnosisCoder.ordinal("97") == nil && DiagnosisCoder.ordinal("fifth") == nil)
    }
}
