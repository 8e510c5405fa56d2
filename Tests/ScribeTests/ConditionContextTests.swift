import Testing

@testable import Scribe

/// The negation and context engine the note writer and the coder share (`ConditionContext`). Sentences are written
/// for this project, as lower-cased words with punctuation apart.
@Suite("The shared negation and context engine")
struct ConditionContextTests {
    /// Reads the condition `condition` (its words, which occur once) in `sentence`.
    func read(_ sentence: String, _ condition: String) throws -> ConditionContext.Reading {
        let words = sentence.split(separator: " ").map(String.init)
        let named = condition.split(separator: " ").map(String.init)
        let start = try #require(
            words.indices.first { words[$0...].starts(with: named) }, "'\(condition)' is not in '\(sentence)'")
        return ConditionContext.read(words, condition: start..<(start + named.count))
    }

    @Test("a denial reaches through a list, and `without` stops at its comma")
    func denials() throws {
        #expect(try read("she has no fever , chills or cough .", "cough").denied)
        #expect(try read("i have n't had any chest pain .", "chest pain").denied)
        #expect(try read("the x-ray does not show any pneumonia .", "pneumonia").denied)
        #expect(try read("strep swab was negative .", "strep").denied)
        #expect(try !read("she came in without an appointment , with a cough .", "cough").denied)
        #expect(try read("she came in without fever or chills .", "chills").denied)
        // `not sure` doubts; it does not deny.
        let unsure = try read("i am not sure if this is gout or an infection .", "gout")
        #expect(!unsure.denied)
        #expect(unsure.doubted)
    }

    @Test("a scope word or a sentence mark ends a cue's reach")
    func scopes() throws {
        #expect(try !read("no fever , but she has a cough .", "cough").denied)
        #expect(try !read("she denies nausea . she has a headache .", "headache").denied)
        #expect(try !read("no one else at home is sick , and she has a bad earache today .", "earache").denied)
    }

    @Test("a doubt, a hedge and findings it is consistent with are told apart")
    func doubts() throws {
        let doubted = try read("this is possible pneumonia .", "pneumonia")
        #expect(doubted.doubted && !doubted.hedged)
        #expect(try read("we need to rule out appendicitis .", "appendicitis").doubted)
        #expect(try read("gerd versus gastritis .", "gerd").doubted)
        #expect(try read("prostate cancer needs to be ruled out .", "prostate cancer").denied == false)
        let hedged = try read("i think this is a sprain of your ankle .", "sprain")
        #expect(hedged.hedged && !hedged.doubted)
        let qualified = try read("your symptoms are consistent with an ankle sprain .", "ankle sprain")
        #expect(qualified.qualified && !qualified.doubted && !qualified.hedged)
    }

    @Test("a relative's condition, unless the relative is spoken to or brought the patient")
    func relatives() throws {
        #expect(try read("her mother had breast cancer in her sixties .", "breast cancer").relative)
        #expect(try read("family history of colon cancer .", "colon cancer").relative)
        #expect(try !read("so mom , this is a normal ear infection .", "ear infection").relative)
        #expect(try !read("brought in by his father for a cough .", "cough").relative)
        #expect(try !read("his father's stroke and his diabetes .", "diabetes").relative)
    }

    @Test("cases considered, asked about, in the past or over")
    func contexts() throws {
        #expect(try read("call us if you get a fever .", "fever").hypothetical)
        #expect(try read("take ibuprofen for any pain and it will help the swelling .", "swelling").hypothetical)
        // What to expect after a vaccine or a procedure, not what she has; `may have` can state a diagnosis.
        #expect(try read("she might get a fever about a week after the mmr .", "fever").hypothetical)
        #expect(try read("you may notice some cramping for a few days .", "cramping").hypothetical)
        #expect(try !read("i think you may have a sinus infection .", "sinus infection").hypothetical)
        let denied = try read("i have not had any chest pain .", "chest pain")
        #expect(denied.denied && !denied.hypothetical)
        #expect(try read("she has a history of asthma .", "asthma").past)
        #expect(try read("her cancer history is long .", "cancer").past)
        #expect(try read("an old healed fracture .", "fracture").past)
        #expect(try !read("the incision is healed and there is mild swelling .", "swelling").past)
        #expect(try read("the rash went away .", "rash").resolved)
        #expect(try read("pneumonia , resolved .", "pneumonia").resolved == false)
        #expect(try read("pneumonia resolved on antibiotics .", "pneumonia").resolved)
    }

    @Test("the note writer and the coder read a denied and a relative's condition alike")
    func sharedReading() throws {
        let transcript = try Transcript(
            """
            [doctor] any chest pain ?
            [patient] no chest pain . my mother has diabetes .
            [doctor] okay . i think you have bronchitis .
            """)
        let entities = EntityExtractor().entities(in: transcript)
        let chestPain = entities.filter { $0.kind == .problem && $0.name == "chest pain" }
        #expect(!chestPain.isEmpty && chestPain.allSatisfy { $0.negated || $0.context == .hypothetical })
        #expect(entities.contains { $0.kind == .problem && $0.name.contains("diabetes") && $0.context == .family })
        // The hedged impression is uncertain in the note; the coder codes it (see the coding tests).
        #expect(entities.contains { $0.kind == .problem && $0.name == "bronchitis" && $0.uncertain })
    }
}
