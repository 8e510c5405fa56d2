import Testing

@testable import Coding
@testable import Scribe

/// The pregnancy as the visit states it: today's weeks of gestation (not a time in the plan), the trimester and
/// first or later pregnancy of the prenatal visit code, and a coexisting condition coded as complicating the
/// pregnancy (guidelines I.C.15.a.1 and I.C.15.a.3). The visits are written for this project.
@Suite("Billing codes: weeks of gestation, trimester, conditions complicating pregnancy")
struct PregnancyCodingTests {
    func prenatal(opening: String, problem: String = "", plan: String) -> String {
        """
        [doctor] hi there . \(opening) how are you feeling ?
        [patient] good , the baby is moving a lot . \(problem)
        [doctor] on exam , blood pressure 112 over 70 . fundal height matches your dates . heart tones are 145 .
        [doctor] so overall , \(plan)
        """
    }

    @Test("a normal first pregnancy at 20 weeks: Z34.02 with Z3A.20, not the weeks of the plan")
    func normalFirstPregnancy() throws {
        let codes = try dialogueICD10(
            prenatal(
                opening:
                    "so you're a 27 year old gravida 1 , para 0 , at 20 weeks and 3 days , here for your prenatal visit .",
                plan:
                    "this is a normal first pregnancy . we'll do the glucose test at 24 to 28 weeks and see you in four weeks ."
            ))
        #expect(codes.first == "Z34.02", "\(codes)")
        #expect(codes.contains("Z3A.20"), "\(codes)")
        #expect(!codes.contains("Z3A.28") && !codes.contains("Z3A.04"), "\(codes)")
    }

    @Test("a later pregnancy in the third trimester is Z34.83")
    func laterPregnancy() throws {
        let codes = try dialogueICD10(
            prenatal(
                opening:
                    "you're a 31 year old gravida 3 , para 2 , at 33 weeks and 1 day , here for your prenatal visit .",
                plan: "a normal pregnancy . see you in two weeks ."))
        #expect(codes.contains("Z34.83"), "\(codes)")
        #expect(codes.contains("Z3A.33"), "\(codes)")
    }

    @Test("hypothyroidism in the third trimester is coded as complicating the pregnancy, before its own code")
    func complicatingCondition() throws {
        let codes = try dialogueICD10(
            prenatal(
                opening:
                    "you're a 30 year old gravida 2 , para 1 , at 30 weeks and 1 day , with hypothyroidism , here for your prenatal visit .",
                problem: "i'm still on the levothyroxine every morning .",
                plan:
                    "your hypothyroidism is well controlled on the levothyroxine , so we will keep the same dose and check a tsh in four weeks ."
            ))
        let complication = try #require(codes.firstIndex(of: "O99.283"), "\(codes)")
        let condition = try #require(codes.firstIndex(of: "E03.9"), "\(codes)")
        #expect(complication < condition, "\(codes)")
        #expect(codes.contains("Z3A.30"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("Z34") }, "\(codes)")
    }

    @Test("today's weeks: days after the weeks, or the clause that gives gravida and para")
    func currentWeeks() {
        func visit(_ text: String) -> [DiagnosisCoder.VisitSentence] {
            [
                DiagnosisCoder.VisitSentence(
                    statement: NoteStatement(section: .subjective, text: text, evidence: []),
                    clauses: DiagnosisCoder.clauses(of: text))
            ]
        }
        #expect(DiagnosisCoder.currentGestationWeeks(visit("G1 P0 at 30 weeks by ultrasound.")) == 30)
        #expect(DiagnosisCoder.currentGestationWeeks(visit("She is 12 weeks 3 days by a 7-week ultrasound.")) == 12)
        #expect(DiagnosisCoder.currentGestationWeeks(visit("Growth ultrasound at 32 weeks.")) == nil)
        #expect(DiagnosisCoder.currentGestationWeeks(visit("Ibuprofen for 2 weeks 3 times a day.")) == nil)
        #expect(!DiagnosisCoder.isGravidity("g6pd") && DiagnosisCoder.isGravidity("g3p2002"))
        #expect(DiagnosisCoder.firstPregnancy(visit("A 29-year-old G2 P0101 at 12 weeks.")) == false)
        #expect(DiagnosisCoder.firstPregnancy(visit("A primigravida at 12 weeks.")) == true)
    }
}
