import Foundation
@testable import Scribe
import Testing

/// What conversation does to a sentence that a note must undo: a sentence interrupted by the listener's
/// `mm-hmm`, a check tagged on (`okay?`), `you` after `have`, plan items that name their problem only by the
/// drug, a problem introduced by a name the lexicon does not know, and the same thing said twice.
/// The visits below were written for these tests.
@Suite("Conversation repairs")
struct ConversationRepairTests {
    static let interrupted = """
        [doctor] your blood pressure is a little high today , which could make your-
        [patient] mm-hmm .
        [doctor] . headaches worse . we will recheck it next visit .
        [patient] okay .
        [doctor] do you have any chest pain or-
        [patient] no .
        [doctor] . shortness of breath ?
        """

    @Test("a sentence the listener's acknowledgement cut in two is one sentence, every word at its offset")
    func interruptedSentence() throws {
        let transcript = try Transcript(Self.interrupted)
        let joined = try #require(transcript.sentences.first { $0.text.hasPrefix("your blood pressure") })
        #expect(joined.text.split(separator: " ").joined(separator: " ")
            == "your blood pressure is a little high today , which could make your headaches worse .")
        // The acknowledgement is inside the joined sentence, not a sentence of its own.
        #expect(!transcript.sentences.contains { $0.text == "mm-hmm ." })
        let said = Array(transcript.text(in: joined.range).unicodeScalars)
        let read = Array(joined.text.unicodeScalars)
        #expect(said.count == read.count && zip(said, read).allSatisfy { $0 == $1 || $1 == " " })
        // Every token of the joined sentence sits where the transcript has it.
        for token in Token.tokens(of: joined.text, at: joined.range.lowerBound) {
            #expect(transcript.text(in: token.range).lowercased() == token.text)
        }
        // An answer is not an acknowledgement: the question and the `no` stay apart.
        #expect(transcript.sentences.contains { $0.text == "no ." && $0.speaker == .patient })
        #expect(transcript.sentences.contains { $0.text == "do you have any chest pain or-" })
    }

    @Test("the joined sentence reaches the note whole")
    func interruptedInNote() throws {
        let visit = """
            [doctor] hi , what brings you in today ?
            [patient] i have had headaches for about two weeks , mostly in the morning .
            [doctor] on exam , your blood pressure is a little high today , which could make your-
            [patient] mm-hmm .
            [doctor] . headaches worse .
            [doctor] for your hypertension , i want to start lisinopril 10 mg once a day and we will see how you do-
            [patient] okay .
            [doctor] . over the next month , okay ?
            """
        let note = try NoteWriter().note(transcript: visit)
        let all = [note.subjective, note.objective, note.assessment, note.plan].joined(separator: "\n")
        #expect(all.contains("which could make his headaches worse") || all.contains("which could make their headaches worse")
            || all.contains("which could make her headaches worse"), "\(all)")
        #expect(!all.contains("could make."), "\(all)")
        // The statement with `okay?` tagged on is a plan item, not a question.
        #expect(note.plan.contains("over the next month."), "\(note.plan)")
        #expect(!all.contains("?"))
    }

    @Test("a phrase said again after an ellipsis is one sentence, as said the second time")
    func restartsAfterEllipsis() throws {
        let transcript = try Transcript(
            """
            [patient] i needed to see you two months ... two months ago , but this was the first opening .
            [doctor] and is ... is the pain worse at night ?
            [patient] it was there ... and then it went away . i had con- ... you know , i was tired .
            """)
        let texts = transcript.sentences.map(\.text)
        #expect(texts.contains { $0.hasPrefix("i needed to see you two months ... two months ago") }, "\(texts)")
        #expect(texts.contains { $0.hasPrefix("and is ... is the pain") }, "\(texts)")
        // A new clause after the ellipsis (`... and then`), or another thought, is its own sentence.
        #expect(texts.contains("it was there ..."), "\(texts)")
        #expect(texts.contains("and then it went away ."), "\(texts)")
        #expect(Transcript.restartStart(before: ["healed", "by", "the", "point"], after: ["by", "this", "point"]) == 1)
        #expect(Transcript.restartStart(before: ["about", "your"], after: ["your", "migraines"]) == 1)
        #expect(Transcript.restartStart(before: ["i", "do", "not", "know"], after: ["i", "think", "it", "started"])
            == nil)
        #expect(Transcript.restartStart(before: ["so", "much", "and"], after: ["and", "then", "the", "gel"]) == nil)
        // The first try goes; the note keeps the phrase as said again.
        #expect(
            ClinicalStyle.condensed("She needed to see you two months ... two months ago for it.", voice: .patient)
                == "She needed to see you two months ago for it.")
        #expect(
            ClinicalStyle.condensed("It is already healed by the point ... by this point, so no scope.", voice: .clinician)
                == "It is already healed by this point, so no scope.")
    }

    @Test("an unpunctuated question opening with `anything` asks")
    func anythingAsks() {
        let text = "anything you have done to help relieve that pain"
        #expect(Phrasing.isQuestion(text, words: text.split(separator: " ").map(String.init)))
        #expect(!Phrasing.isQuestion("anything else has been fine.", words: ["anything", "else", "has", "been", "fine"]))
        let scale = "on a scale of 1 to 10 how severe is the pain."
        #expect(Phrasing.isQuestion(scale, words: Phrasing.words(scale).map(Phrasing.bare)))
        let answer = "on a scale of 1 to 10 it is about a 7."
        #expect(!Phrasing.isQuestion(answer, words: Phrasing.words(answer).map(Phrasing.bare)))
    }

    @Test("the examiner's `let's start by listening` is no plan item; `by mouth` names no examined system")
    func examinerNarration() {
        #expect(ClinicalStyle.condensed("Let's start by listening to your heart and lungs.", voice: .clinician) == nil)
        // A clause whose subject speech recognition cut off.
        #expect(ClinicalStyle.condensed("Is contributing to this and also probably the stress.", voice: .clinician) == nil)
        #expect(ClinicalStyle.condensed("Start by taking the iron with orange juice.", voice: .clinician) != nil)
        #expect(ClinicalStyle.condensed("Go ahead, lay back so I can examine your abdomen.", voice: .clinician) == nil)
        #expect(
            ClinicalStyle.condensed("We'll go ahead increase the lisinopril to 20 mg a day.", voice: .clinician)
                == "Increase the lisinopril to 20 mg a day.")
        #expect(Phrasing.findingSystem("she is taking ferrous sulfate 325 mg by mouth") == nil)
        #expect(Phrasing.findingSystem("her mouth is dry") != nil)
        #expect(Phrasing.findingSystem("no swelling in the back of her eye") != "Back")
        #expect(Phrasing.findingSystem("tenderness of her lower back") == "Back")
        #expect(Phrasing.examinedFinding(["First", "of", "all", "on", "her", "heent", "exam"]).words.isEmpty)
    }

    @Test("unpunctuated speech is not cut after a word no utterance ends with (`they look | great`)")
    func unfinishedEnds() throws {
        // A short fixture from ACI-Bench train (D2N048, CC BY 4.0), where the learned model cut `they look | great`.
        let transcript = try Transcript(
            """
            [doctor] alright so i've looked at your vitals and honestly they look great you know your blood pressure i see is one twenty five over seventy that's almost textbook respiratory rate we are seeing you at a smooth eighteen excuse me your temperature you're running normal ninety seven . one you're you're satting at a hundred percent so and then your pulse so that's interesting like you're you're going at like about sixty beats a minute so i think they're i think we're doing pretty well i'm gon na go ahead and listen to your heart
            [patient] okay
            """)
        let texts = transcript.sentences.map(\.text)
        for text in texts {
            let last = text.split(separator: " ").last.map(String.init) ?? ""
            #expect(!Transcript.unfinishedEnds.contains(last), "\(texts)")
        }
    }

    @Test("`the er` is the emergency room; `er` as a pause goes")
    func emergencyRoom() {
        #expect(Phrasing.clean("she came with a referral from the er for chest pain .")
            == "She came with a referral from the ER for chest pain.")
        #expect(Phrasing.clean("i went to the er , and they sent me home .")
            == "I went to the ER, and they sent me home.")
        #expect(Phrasing.clean("it was , er , about a week ago .") == "It was about a week ago.")
    }

    @Test("`you` after have, let, help or make is the object, and its verb stays bare")
    func causatives() {
        let pronouns = Pronouns.female
        #expect(Phrasing.aboutPatient("we will have you use crutches for a few days.", pronouns: pronouns)
            == "We will have her use crutches for a few days.")
        #expect(Phrasing.aboutPatient("the nurse will help you get checked out.", pronouns: pronouns)
            == "The nurse will help her get checked out.")
        // The subject is still conjugated.
        #expect(Phrasing.aboutPatient("if you use the inhaler every day, call us.", pronouns: pronouns)
            .contains("If she uses the inhaler"))
    }

    @Test("a plan item goes under the problem its drug or test belongs to; a problem introduced by name heads")
    func problemsOfPlanItems() throws {
        let visit = """
            [doctor] hi , how are you ?
            [patient] my back hurts since i lifted some boxes last week . i also have diabetes and high blood pressure .
            [doctor] on exam , there is tenderness of the lumbar spine .
            [doctor] so for your back pain , it is a lumbar strain . i will prescribe meloxicam 15 mg once a day .
            [doctor] we will increase the metformin to 1000 mg twice a day , and repeat the a1c in three months .
            [doctor] for your next problem of your tick bite , we will start doxycycline 100 mg twice a day for three weeks .
            """
        let note = try NoteWriter().note(transcript: visit)
        let plan = note.plan.components(separatedBy: "\n")
        let metformin = try #require(plan.firstIndex { $0.contains("metformin") })
        let heading = try #require(plan[..<metformin].last { !$0.contains(" ") || $0 == "Diabetes" || $0 == "Back pain" })
        #expect(heading == "Diabetes", "\(note.plan)")
        let doxycycline = try #require(plan.firstIndex { $0.contains("doxycycline") })
        #expect(plan[..<doxycycline].contains("Tick bite"), "\(note.plan)")
        #expect(!note.plan.contains("problem of"), "\(note.plan)")
    }

    @Test("a problem introduction names its problem, known or not")
    func introducedProblems() {
        func named(_ text: String) -> String? { ClinicalStyle.introducedProblem(Phrasing.spaceSeparated(text)) }
        #expect(named("for your first problem of your tick bite my concern is lyme disease") == "tick bite")
        #expect(named("for her last problem, her iron deficiency, it is better.") == "iron deficiency")
        #expect(named("for his second problem of his hypertension.") == "hypertension")
        #expect(named("for your next problem of your tick bite, we will start doxycycline.") == "tick bite")
        #expect(named("for the knee we will get an x-ray.") == nil)
        // A sentence that only names the problem says nothing once the heading says it.
        #expect(ClinicalStyle.withoutProblemIntro(Phrasing.spaceSeparated("for his second problem of his hypertension.")).isEmpty)
    }

    @Test("what a later sentence of the same section only repeats is said once; a negation is not a repeat")
    func restatements() {
        let writer = NoteWriter()
        func statement(_ text: String, _ section: NoteSection = .subjective, start: Int) -> NoteStatement {
            NoteStatement(section: section, text: text, evidence: [start..<(start + 10)])
        }
        let statements = [
            statement("She has been putting ice on her knee and taking ibuprofen, but it has not helped.", start: 0),
            statement("Ice and ibuprofen have not helped her knee.", start: 20),
            statement("Positive straight leg raise on the left.", .objective, start: 40),
            statement("No weakness of the left leg.", .objective, start: 60),
            statement("Ice and ibuprofen have not helped her knee.", .plan, start: 80),
        ]
        let kept = writer.withoutRestatements(statements).map(\.text)
        #expect(kept == [statements[0].text, statements[2].text, statements[3].text, statements[4].text])
    }

    @Test("ages as one adjective, names after an honorific capitalised, a pause's commas and `like` gone")
    func writtenConventions() {
        #expect(ClinicalStyle.writtenForm("Ms. thompson is a 43 year old female.") == "Ms. Thompson is a 43-year-old female.")
        #expect(ClinicalStyle.writtenForm("Referred to dr. flores for a 3 month old infant.")
            == "Referred to Dr. Flores for a 3-month-old infant.")
        // Nothing to change: the same text.
        #expect(ClinicalStyle.writtenForm("She is 42 years old.") == "She is 42 years old.")
        // Speech recognition's spaces: `34 -year-old`, a year said in two.
        #expect(ClinicalStyle.writtenForm("Carolyn is a 34 -year-old female.") == "Carolyn is a 34-year-old female.")
        #expect(ClinicalStyle.writtenForm("A stent placed in 20 18, then 20 18 more.") == "A stent placed in 2018, then 20 18 more.")
        // The patient addressed by name before the question or the problem.
        #expect(ClinicalStyle.withoutVocative(["Carolyn", "tell", "me", "about", "the", "headache."])
            == ["Tell", "me", "about", "the", "headache."])
        #expect(ClinicalStyle.withoutVocative(["Carolyn", "is", "a", "34-year-old", "female."]).first == "Carolyn")
        #expect(Phrasing.cleanWords("i was , um , trying to change a light bulb .").joined(separator: " ")
            == "I was trying to change a light bulb.")
        // After a content word the comma may be a list's: it stays.
        #expect(Phrasing.cleanWords("fever , uh , chills .").joined(separator: " ") == "Fever, chills.")
        #expect(ClinicalStyle.withoutFillers(["it", "hurts", "like", "in", "the", "inside."]) == ["it", "hurts", "in", "the", "inside."])
    }

    @Test("a question after discourse words is a question; `sorry` opens nothing")
    func questionsAfterDiscourse() throws {
        #expect(Phrasing.isQuestion("and are you able to move your arm", words: ["and", "are", "you", "able", "to", "move"]))
        #expect(Phrasing.isQuestion("sorry have you ever injured this arm", words: ["sorry", "have", "you", "ever", "injured"]))
        #expect(!Phrasing.isQuestion("and you are able to move it.", words: ["and", "you", "are", "able", "to", "move", "it"]))
        let condensed = try #require(ClinicalStyle.condensed("Sorry there is tenderness of the greater tuberosity.", voice: .clinician))
        #expect(!condensed.lowercased().contains("sorry"), "\(condensed)")
    }
}
