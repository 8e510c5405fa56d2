/// The patient's age and sex as said in the transcript, with where they were said.
struct Demographics: Sendable {
    enum Sex: String, Sendable {
        case female
        case male
    }

    var age: Int?
    var ageEvidence: Range<Int>?
    var sex: Sex?

    static let femaleWords: Set<String> = ["she", "her", "hers", "herself", "woman", "female", "lady"]
    static let maleWords: Set<String> = ["he", "him", "his", "himself", "man", "male", "gentleman"]
    /// Honorifics said before a name (`mrs . peterson`, `Mr. Lee`).
    static let femaleHonorifics: Set<String> = ["mrs", "ms", "miss"]
    static let maleHonorifics: Set<String> = ["mr"]
    static let genderedInitials = WordInitials(
        femaleWords.union(maleWords).union(femaleHonorifics).union(maleHonorifics))
    /// Words that state the sex beside the age (`42-year-old male`).
    static let statedFemale: Set<String> = ["female", "woman", "lady", "girl", "f"]
    static let statedMale: Set<String> = ["male", "man", "gentleman", "boy", "m"]

    /// Reads age (`42-year-old`, `42 years old`) and sex: stated with the age (`a 52-year-old female`), else
    /// the honorific the clinician first addresses or names the patient with (`mrs . peterson`), else the
    /// clinician's greeting by a given name that says it (`hi diana`), else the pronouns the clinician, or the
    /// dictation, uses for the patient (at least three, and twice as many as for the other sex).
    /// The caller's context, where it gives them, wins over what is read from the transcript (a recorded
    /// age has no transcript evidence; the statement using it keeps the evidence it has).
    init(_ transcript: Transcript, tokens: [[Token]], context: NoteContext = .none) {
        defer {
            if let age = context.age {
                self.age = age
                ageEvidence = nil
            }
            if let sex = context.sex { self.sex = sex == .female ? .female : .male }
        }
        var female = 0
        var male = 0
        var stated: Sex?
        var honorific: Sex?
        for (sentence, words) in zip(transcript.sentences, tokens) {
            // The first age said, unless a later one is said with the sex (`a 65 year old female`): that one
            // introduces the patient, the other may be a past age (`anemic since she was 13 years old`).
            if stated == nil, let (value, range) = Self.age(in: words) {
                var sexStated: Sex?
                if let after = words.firstIndex(where: { $0.range.lowerBound >= range.upperBound }) {
                    for word in words[after...].prefix(2) {
                        if Self.statedFemale.contains(word.text) { sexStated = .female }
                        if Self.statedMale.contains(word.text) { sexStated = .male }
                    }
                }
                if age == nil || sexStated != nil {
                    age = value
                    ageEvidence = range
                    stated = sexStated
                }
            }
            guard sentence.speaker == .clinician || sentence.speaker == .narrator else { continue }
            // Only words whose first byte opens a gendered word or honorific are looked up.
            for (index, word) in words.enumerated() where Self.genderedInitials.mayOpen(word.text) {
                if honorific == nil, index + 1 < words.count, words[index + 1].kind != .number {
                    if Self.femaleHonorifics.contains(word.text) { honorific = .female }
                    if Self.maleHonorifics.contains(word.text) { honorific = .male }
                }
                if Self.femaleWords.contains(word.text) { female += 1 } else if Self.maleWords.contains(word.text) { male += 1 }
            }
        }
        if let stated {
            sex = stated
        } else if let honorific {
            sex = honorific
        } else if transcript.kind == .dialogue, let greeted = FirstNames.greetedSex(transcript, tokens: tokens) {
            sex = greeted
        } else if female >= 3, female >= 2 * male {
            sex = .female
        } else if male >= 3, male >= 2 * female {
            sex = .male
        }
    }

    /// `58-year-old`, `58 year old`, `58 years old`.
    static func age(in tokens: [Token]) -> (Int, Range<Int>)? {
        for index in tokens.indices {
            guard let value = tokens[index].number, value == value.rounded(), value > 0, value < 120 else { continue }
            var probe = index + 1
            if probe < tokens.count, tokens[probe].text == "-" { probe += 1 }
            // `year-old` is one word token.
            if probe < tokens.count, tokens[probe].text == "year-old" { return (Int(value), EntityExtractor.span(tokens, index, probe)) }
            guard probe < tokens.count, ["year", "years"].contains(tokens[probe].text) else { continue }
            probe += 1
            if probe < tokens.count, tokens[probe].text == "-" { probe += 1 }
            guard probe < tokens.count, tokens[probe].text == "old" else { continue }
            return (Int(value), EntityExtractor.span(tokens, index, probe))
        }
        return nil
    }
}
