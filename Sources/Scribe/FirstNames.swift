/// Given names and the sex they are used for, from the 1990 US Census name files (public domain; built by
/// `scripts/build_first_names.py`). Only a name that says the sex clearly is listed.
///
/// It is the weakest cue for the patient's pronouns: read only for the name the clinician greets the
/// patient with (`hi diana, how are you`), after the caller's context, a stated sex, an honorific and the
/// clinician's own pronouns.
enum FirstNames {
    static let embedded: [String: Demographics.Sex] = {
        var names: [String: Demographics.Sex] = [:]
        for row in EmbeddedTable.rows(embeddedTable) {
            guard let value = row.values.first else { continue }
            names[row.name] = value > 0 ? .female : .male
        }
        for word in commonWords { names[word] = nil }
        return names
    }()

    /// Names that are also everyday words (`hey, will you ...`, `so may I ask`), never read as a name.
    static let commonWords: Set<String> = [
        "will", "mark", "bill", "may", "june", "april", "rose", "hope", "joy", "grace", "faith", "dawn",
        "summer", "guy", "art", "frank", "ray", "don", "rich", "sunny", "sandy", "pat", "chance", "young",
        "king", "page", "major", "lane", "gay", "long", "case", "cash", "else", "see", "honey", "dear", "man",
        "buddy", "doc", "love", "sweetie", "ma", "sir", "son", "baby", "an", "in", "is", "so", "to",
    ]

    /// Words a clinician greets with before the patient's name.
    static let greetings: Set<String> = ["hi", "hey", "hello", "morning", "afternoon", "evening"]
    /// Words that open a turn and may precede the name when the name is followed by a pause or the next
    /// clause (`alright david so you were`, `okay raymond it looks like`).
    static let openers: Set<String> = ["so", "okay", "alright", "well", "and", "now"]
    static let afterName: Set<String> = [",", ".", "i", "how", "it", "so", "what", "you", "good", "nice", "we", "let's", "thanks", "it's", "i'm", "i'm", "i've", "your", "you're", "come", "are"]

    /// The sex of the name the clinician greets the patient with in the first turns, if the name says it.
    static func greetedSex(_ transcript: Transcript, tokens: [[Token]], turns: Int = 4) -> Demographics.Sex? {
        for (sentence, words) in zip(transcript.sentences, tokens) {
            guard sentence.turn < turns else { break }
            guard sentence.speaker == .clinician else { continue }
            for index in words.indices.dropLast() {
                let word = words[index].text
                let isGreeting = greetings.contains(word)
                guard isGreeting || openers.contains(word) else { continue }
                var probe = index + 1
                if isGreeting, words[probe].text == ",", probe + 1 < words.count { probe += 1 }
                guard let sex = embedded[words[probe].text] else { continue }
                if !isGreeting {
                    guard probe + 1 < words.count, afterName.contains(words[probe + 1].text) else { continue }
                }
                return sex
            }
        }
        return nil
    }
}
