extension ConditionContext {
    /// The cue phrases of the engine: one table for the note writer and the coder.
    public struct Cues: Sendable {
        /// The one table.
        public static let shared = Cues()

        /// Words before a condition that deny it.
        public let denialBefore = CuePhrases(words: [
            "no", "not", "denies", "denied", "deny", "denying", "without", "never", "none", "nor", "negative for",
            "free of", "absence of", "no evidence of", "no signs of", "no sign of", "no history of", "ruled out for",
            "rules out", "resolution of", "no longer", "not any", "doesn't have", "does not have", "don't have",
            "do not have", "didn't have", "did not have", "hasn't had", "haven't had", "has not had", "have not had",
            "don't think", "do not think", "doesn't think", "don't see", "do not see", "nothing suspicious",
            "doesn't", "don't", "didn't", "isn't", "wasn't", "aren't", "haven't", "hasn't", "can't", "is not",
            "was not",
            // A contraction written as two words (`i have n't had any`, `i do n't`), as some speech recognition does.
            "n't",
            // A study or examination that does not show it (`the x-ray does not show any pneumonia`).
            "not show", "doesn't show", "didn't show", "don't show", "not see", "didn't see", "not reveal",
            "doesn't reveal", "didn't reveal",
        ])
        /// Denials that run on through a list (`no fever, chills or cough`), where `without` stops at a comma.
        public let listDenials = CuePhrases(words: ["no", "denies", "denied", "negative for", "never", "none", "not"])
        /// Words after a condition that deny or exclude it.
        public let denialAfter = CuePhrases(words: [
            "ruled out", "is ruled out", "was ruled out", "negative", "is negative", "was negative", "were negative",
            "are negative", "unlikely", "is unlikely", "excluded", "not present", "absent", "is absent",
            "not supported", "not suspected", "not likely", "not favored", "not consistent", "not seen", "not found",
            "not confirmed", "not detected", "pcr negative", "test negative", "swab negative", "screen negative",
            // Its absence as a state (`smoke-free home`, `pain free`).
            "free",
        ])
        /// Words right after a condition that say it is over.
        public let resolvedAfter = CuePhrases(words: [
            "resolved", "has resolved", "have resolved", "now resolved", "since resolved", "completely resolved",
            "fully resolved", "clinically resolved", "is resolved", "healed", "eradicated", "eradication confirmed",
            "cured", "course completed", "treatment completed",
        ])
        /// Words after a condition that say it is gone, without saying a treatment ended it.
        public let goneAfter = CuePhrases(words: ["gone", "is gone", "went away", "gone away", "has gone away"])
        /// Words before a condition that doubt it as a diagnosis.
        public let doubtBefore = CuePhrases(words: [
            "possible", "possibly", "probable", "probably", "likely", "suspect", "suspected", "suspicious for",
            "suspicion for", "suspicion of", "concern for", "concerning for", "concerned for", "concerned about",
            "rule out", "r/o", "question of", "questionable", "query", "may have", "might have", "could have",
            "could be", "may be", "might be", "maybe", "differential", "differential diagnosis", "ddx", "consider",
            "considering", "versus", "vs", "evaluate for", "to evaluate", "evaluation for", "potential", "presumed",
            "presumptive", "cannot exclude", "cannot rule out", "can't rule out", "worrisome for", "possibility of",
            "working diagnosis", "favor", "not sure", "unsure",
            // Another candidate cause beside the one talked over (`it could also be reflux`).
            "could also be", "may also be", "might also be", "could also have", "may also have", "might also have",
        ])
        /// Words after a condition that doubt it.
        public let doubtAfter = CuePhrases(words: [
            "versus", "vs", "suspected", "is suspected", "likely", "is likely", "possible", "not excluded",
            "cannot be excluded", "cannot be ruled out", "to be ruled out", "is possible", "is probable",
            "in the differential", "on the differential", "is in the differential",
        ])
        /// Words before a condition that tie it to findings (`symptoms consistent with an ankle sprain`): the
        /// clinician's impression in a note, an uncertain diagnosis by the coding guidelines (Section IV.H).
        public let qualifiedBefore = CuePhrases(words: [
            "consistent with", "compatible with", "suggestive of", "indicative of",
        ])
        /// Words before a condition that state it as an impression with a hedge.
        public let hedgeBefore = CuePhrases(words: [
            "i think", "seems like", "sounds like", "looks like", "worried about", "borderline",
        ])
        /// Words in the clause before a condition that make it a case considered, looked for or prevented.
        public let hypotheticalBefore = CuePhrases(words: [
            "if", "should you", "return if", "call if", "call us if", "watch for", "look out for", "monitor for",
            "warning signs", "signs of", "risk of", "risk for",
            // Return precautions (`return for fever, flank pain or vomiting`).
            "return for", "return with", "come back for", "call for", "call with", "call us for",
            "emergency department for", "emergency room for", "er for", "ed for", "seek care for",
            "seek medical attention for", "at risk", "prevent", "to prevent", "prevention", "prevention of",
            "screen for", "screening", "screening for", "to avoid", "in case", "precautions", "avoid", "reduce risk",
            "reduce the risk", "prophylaxis", "unless", "protect", "protects", "protecting", "protected", "chance of",
            "chances of", "lower the risk", "lowers the risk", "reduces the risk", "lower your risk", "whether",
            "check for", "checking for", "to check for", "checked for", "test for", "tested for", "testing for",
            "screened for", "look for", "looking for", "can cause", "may cause", "could cause", "might cause",
            "can make", "may make", "can give", "may give", "side effect", "side effects", "turn into", "turns into",
            "progress to", "progress into",
            // What the patient is told to expect (`she might get a fever or a rash a week after the mmr`), not
            // what they have (`you may have` stays: it can state a diagnosis).
            "might get", "may get", "could get", "might develop", "may develop", "could develop", "may experience",
            "might experience", "may notice", "might notice", "expect some",
            // A goal of care (`work with your doctor on weight loss`), not a finding.
            "work on", "working on", "work with", "goal of", "aim for", "encourage", "encouraged",
            // People in general (`in women who have migraine with aura, ...`).
            "women who", "men who", "people who", "patients who", "anyone who", "someone who", "those who",
            "kids who", "children who", "in women with", "in men with", "in people with", "in patients with",
            "in children with", "for people with", "for women with", "for patients with",
        ])
        /// Words before a treatment that make it an option offered, not one decided (`we could try a birth control
        /// pill`, `one option is an IUD`, `if you want, we can start the pill`). A talk about it (`we discussed birth
        /// control`) is counseling, not an offer.
        public let offeredBefore = CuePhrases(words: [
            "could try", "can try", "might try", "could start", "can start", "could use", "could do", "could consider",
            "could also", "could go", "we could", "you could", "option", "options",
            "or maybe", "think about", "thinking about", "if you want", "if you'd like", "if you like",
            "would you like", "do you want",
        ])
        /// Words after an offer that decide it (`we talked it over and she will start the pill today`).
        public let decidedBefore = CuePhrases(words: [
            "will", "we'll", "i'll", "she'll", "he'll", "you'll", "going to", "decided", "decides", "chose", "chooses",
            "opted", "opts", "agreed", "agrees", "prescribed", "prescribing", "started",
        ])
        /// A question's word just before a condition (`any chest pain`): asked, not stated, unless denied.
        public let askedBefore = CuePhrases(words: ["any"])
        /// Words before a condition that put it in the past.
        public let pastBefore = CuePhrases(words: [
            "history of", "hx of", "h/o", "hx", "s/p", "status post", "personal history", "past history",
            "medical history", "surgical history", "past medical history", "previous", "previously", "prior",
            "remote", "former", "in the past", "used to have", "treated for", "recovered from", "survivor", "past",
            "having had",
        ])
        /// Words right before a condition that say it is over (`resolved pneumonia`, `a healed fracture`); further
        /// back they say it of something else (`the incision is healed and there is mild swelling`).
        public let overJustBefore: Set<String> = ["resolved", "healed"]
        /// Words in the clause before a condition that make it a relative's.
        public let relativeBefore = CuePhrases(words: [
            "family history", "family hx", "fhx", "fh", "runs in the family", "maternal", "paternal", "mother",
            "father", "mom", "dad", "brother", "sister", "grandmother", "grandfather", "aunt", "uncle", "cousin",
            "sibling", "siblings", "parent", "parents", "son", "daughter",
            // `with your father's heart attack at a young age`: the relative's own.
            "mother's", "father's", "mom's", "dad's", "brother's", "sister's", "grandmother's", "grandfather's",
            "aunt's", "uncle's", "parents'", "son's", "daughter's",
        ])
        /// Words naming the relative who came with the patient (`brought in by his father`), not one with the
        /// condition.
        public let companionBefore = CuePhrases(words: [
            "brought in by", "brought by", "brought in with", "accompanied by", "comes in with", "came in with",
            "here with", "here today with", "in with her", "in with his", "presents with her", "presents with his",
            "is with her", "is with his",
        ])
        /// Words that end the reach of a modifier.
        public let scopeEnds: Set<String> = [
            "but", "however", "although", "though", "except", "aside", "apart", "which", "who", "whereas", "yet",
            "while", "still", "because", "since", "so", ";", ":", ".", "?", "!",
        ]
        /// Marks that end a clause.
        static let clauseMarks: Set<String> = [".", "?", "!", ";", ":"]
        /// Words a clause opens with before the name of whom it addresses (`so mom, ...`, `okay dad, ...`).
        static let addressOpeners: Set<String> = [
            "so", "okay", "ok", "and", "well", "alright", "now", "hi", "hey", "yes", "yeah", "right", "look", "but",
        ]
    }
}
