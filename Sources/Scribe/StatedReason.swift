/// The reason for the visit as the opening turns state it, the way a chief complaint is written: a body part's
/// pain or injury with its side (`i hurt my right wrist` → `Right wrist injury.`, `this left shoulder pain` →
/// `Left shoulder pain.`) or an annual examination (`you're here for your annual exam` → `Annual exam.`). When
/// the opening says neither, the chief complaint is the chief problem among the recognised entities.
package enum StatedReason {
    /// Body parts whose pain or injury is a visit's reason, by the word said (`belly` is the abdomen).
    static let bodyParts: [String: String] = [
        "knee": "knee", "knees": "knee", "ankle": "ankle", "ankles": "ankle", "wrist": "wrist", "shoulder": "shoulder",
        "elbow": "elbow", "elbows": "elbow", "hip": "hip", "back": "back", "neck": "neck", "foot": "foot",
        "toe": "toe", "finger": "finger", "thumb": "thumb", "hand": "hand", "arm": "arm", "leg": "leg",
        "heel": "heel", "jaw": "jaw", "shin": "shin", "calf": "calf", "thigh": "thigh", "forearm": "forearm",
        "abdomen": "abdominal", "belly": "abdominal", "stomach": "abdominal", "chest": "chest", "flank": "flank",
        "groin": "groin",
    ]
    /// Sites a reason is taken from only in the patient's words.
    static let askedSites: Set<String> = ["abdominal", "chest", "flank", "groin"]
    static let injuryVerbs: Set<String> = [
        "hurt", "injured", "injure", "twisted", "twist", "sprained", "jammed", "banged", "rolled", "broke",
        "fractured", "strained", "tweaked",
    ]
    static let possessives: Set<String> = ["my", "your", "her", "his", "their", "the"]
    static let annualWords: [[String]] = [
        ["annual", "exam"], ["annual", "physical"], ["annual", "visit"], ["annual", "wellness"],
        ["yearly", "physical"],
        ["yearly", "exam"], ["annual", "checkup"], ["annual", "check-up"],
    ]

    /// Visit types said in the opening, and the chief complaint each gives.
    static let visitWords: [(words: [String], reason: String)] = [
        (["skin", "check"], "Skin check."), (["skin", "exam"], "Skin check."),
        (["well", "child"], "Well-child visit."),
        (["well", "woman", "exam"], "Well-woman exam."), (["well", "woman", "visit"], "Well-woman exam."),
        (["well", "woman", "check"], "Well-woman exam."), (["well-woman", "exam"], "Well-woman exam."),
        (["postpartum", "visit"], "Postpartum visit."), (["postpartum", "check"], "Postpartum visit."),
        (["prenatal", "visit"], "Prenatal visit."), (["preoperative", "evaluation"], "Preoperative evaluation."),
        // Wanting to quit, not having quit (`i quit smoking years ago` is history).
        (["ready", "to", "quit", "smoking"], "Smoking cessation."),
        (["want", "to", "quit", "smoking"], "Smoking cessation."),
        (["help", "quitting", "smoking"], "Smoking cessation."),
        (["help", "me", "quit", "smoking"], "Smoking cessation."),
    ]

    static let annualReason = "Annual exam."

    /// `here for your physical`, `so this is his physical`: the visit is the patient's physical (not `physical
    /// therapy`, not `on your physical exam` reading its findings).
    package static func namesPhysical(_ keys: [String], at index: Int) -> Bool {
        guard keys[index] == "physical", index >= 2, ["your", "his", "her", "a", "the"].contains(keys[index - 1]) else {
            return false
        }
        if index + 1 < keys.count, ["therapy", "therapist", "activity", "findings"].contains(keys[index + 1]) {
            return false
        }
        return keys[index - 2] == "for" || keys[index - 2] == "is" && index >= 3 && keys[index - 3] == "this"
    }

    static let wellChildReason = "Well-child visit."

    /// A child's well visit the clinician sums up without naming it (`so this is a healthy twelve month old, her exam
    /// is completely normal`): `healthy` and the child's age in months, weeks or under 18 years, anywhere in the
    /// clinician's words.
    static func wellChild(in transcript: Transcript, tokens: [[Token]]) -> (text: String, evidence: Range<Int>)? {
        for (sentence, words) in zip(transcript.sentences, tokens) where sentence.speaker == .clinician {
            let keys = words.map(\.text)
            for index in keys.indices where keys[index] == "healthy" {
                let after = keys[(index + 1)..<min(keys.count, index + 8)].flatMap { $0.split(separator: "-") }
                    .map(String.init)
                if let years = childAge(after.prefix(6).filter { $0 != "a" }), years < 18 {
                    let end = min(words.count - 1, index + 4)
                    return (wellChildReason, EntityExtractor.span(words, index, end))
                }
            }
        }
        return nil
    }

    /// The age in whole years a child's age says (`twelve month old` → 1, `4 year old` → 4), when the words open
    /// with one.
    static func childAge<S: Collection>(_ words: S) -> Int? where S.Element == String {
        let words = Array(words)
        guard words.count >= 3 else { return nil }
        let unitIndex = SpokenNumber.tens[words[0]] != nil && SpokenNumber.units[words[1]] != nil ? 2 : 1
        guard unitIndex + 1 < words.count, let value = SpokenNumber.value(endingAt: unitIndex - 1, in: words),
            words[unitIndex + 1] == "old"
        else { return nil }
        switch words[unitIndex] {
        case "day", "days", "week", "weeks": return 0
        case "month", "months": return value / 12
        case "year", "years": return value
        default: return nil
        }
    }

    /// Whether a chief complaint is a visit type this reading gives (`Annual exam.`, `Skin check.`), not a problem.
    static func isVisitType(_ reason: String) -> Bool {
        reason == annualReason || reason == wellChildReason || visitWords.contains { $0.reason == reason }
            || reason.lowercased().contains("follow-up")
    }

    /// The reason and where it was said, from the sentences of the first `turns` turns that say something (a
    /// greeting's short turns, `hi .`, `good , how are you ?`, are not counted).
    /// An annual examination is looked for over a few more turns than a body part: the clinician's opening
    /// line (`... who presents for his annual exam`) often follows a few turns about the recording.
    static func reason(in transcript: Transcript, tokens: [[Token]], turns: Int = 4, annualTurns: Int = 8)
        -> (text: String, evidence: Range<Int>)?
    {
        let ranks = openingRanks(transcript, tokens: tokens, upTo: max(turns, annualTurns))
        for (sentence, words) in zip(transcript.sentences, tokens) {
            guard let rank = ranks[sentence.turn], rank < max(turns, annualTurns) else { break }
            let keys = words.map(\.text)
            for index in keys.indices {
                if let annual = annualWords.first(where: { keys[index...].starts(with: $0) }) {
                    return (annualReason, EntityExtractor.span(words, index, index + annual.count - 1))
                }
                if namesPhysical(keys, at: index) {
                    return (annualReason, EntityExtractor.span(words, index - 1, index))
                }
                if let visit = visitWords.first(where: { keys[index...].starts(with: $0.words) }) {
                    return (visit.reason, EntityExtractor.span(words, index, index + visit.words.count - 1))
                }
                guard rank < turns else { continue }
                guard let part = bodyParts[keys[index]] else { continue }
                // `any chest pain?`: the clinician asks about these sites in every review of systems.
                if askedSites.contains(part), sentence.speaker == .clinician { continue }
                // `the back of my head` places something else; `a history of back pain` is not today's reason.
                if index + 1 < keys.count, keys[index + 1] == "of" { continue }
                if keys[max(0, index - 6)..<index].contains(where: { $0 == "history" || $0 == "hx" }) { continue }
                // `lower back`, `upper arm`: the region goes with the part.
                var first = index
                var name = part
                if index > 0, ["lower", "upper"].contains(keys[index - 1]) {
                    name = keys[index - 1] + " " + part
                    first -= 1
                }
                var side: String?
                if first > 0, ["right", "left"].contains(keys[first - 1]) {
                    side = keys[first - 1]
                    first -= 1
                } else if first > 1, keys[first - 1] == "side", ["right", "left"].contains(keys[first - 2]) {
                    side = keys[first - 2]
                    first -= 2
                }
                // Back over `my`, `your`, `the` to the verb or preposition before the part.
                var cursor = first - 1
                if cursor >= 0, possessives.contains(keys[cursor]) { cursor -= 1 }
                var kind: String?
                var last = index
                if index + 1 < keys.count, keys[index + 1] == "pain" {
                    kind = "pain"
                    last = index + 1
                } else if index + 1 < keys.count,
                    ["hurts", "hurting", "aches", "aching"].contains(keys[index + 1])
                        || index + 2 < keys.count && keys[index + 1] == "has" && keys[index + 2] == "been"
                            && index + 3 < keys.count && keys[index + 3] == "hurting"
                {
                    kind = "pain"
                    last = index + 1
                } else if cursor >= 0, cursor < first - 1, injuryVerbs.contains(keys[cursor]) {
                    kind = "injury"
                    first = cursor
                } else if cursor >= 1, ["in", "to", "on"].contains(keys[cursor]), keys[cursor - 1] == "pain" {
                    kind = "pain"
                    first = cursor - 1
                } else if cursor >= 3, keys[cursor] == "of", keys[cursor - 1] == "side",
                    ["right", "left"].contains(keys[cursor - 2]),
                    let pain = keys[max(0, cursor - 6)..<(cursor - 2)].lastIndex(of: "pain")
                {
                    // `pain on the right side of my abdomen`.
                    kind = "pain"
                    side = keys[cursor - 2]
                    first = pain
                }
                guard let kind else { continue }
                // `I have not had any chest pain`, `no knee pain`: what is denied is not why the patient came.
                if ConditionContext.denies(keys, ConditionContext.scopeBefore(keys, before: first)) { continue }
                if side == nil { side = Self.side(of: part, in: transcript, tokens: tokens, turns: turns + 2) }
                let text = ((side.map { $0 + " " } ?? "") + name + " " + kind)
                return (Phrasing.capitalized(text) + ".", EntityExtractor.span(words, max(first, 0), last))
            }
        }
        return nil
    }

    /// Per turn of the opening, how many turns that say something come before it, up to `limit` of them; a turn
    /// of under `minimumWords` words (a greeting, `i'm well .`) takes the rank of the next one. Only the opening's
    /// sentences are read.
    static func openingRanks(_ transcript: Transcript, tokens: [[Token]], upTo limit: Int, minimumWords: Int = 5)
        -> [Int: Int]
    {
        var ranks: [Int: Int] = [:]
        var rank = 0
        var turn: Int?
        var said = 0
        for (sentence, words) in zip(transcript.sentences, tokens) {
            if sentence.turn != turn {
                if turn != nil, said >= minimumWords { rank += 1 }
                guard rank < limit else { break }
                turn = sentence.turn
                ranks[sentence.turn] = rank
                said = 0
            }
            said += words.count { $0.kind != .punctuation }
        }
        return ranks
    }

    /// The side said with the part elsewhere in the opening (`the right knee`, `both my knees` → bilateral), or
    /// the patient's answer when the clinician asks which one (`which wrist, left or right?` / `it's my right one`).
    static func side(of part: String, in transcript: Transcript, tokens: [[Token]], turns: Int) -> String? {
        var askedWhich = false
        for (sentence, words) in zip(transcript.sentences, tokens) {
            guard sentence.turn < turns else { break }
            let keys = words.map(\.text)
            if askedWhich, sentence.speaker != .clinician {
                let sides = Set(keys.filter { $0 == "right" || $0 == "left" })
                if sides.count == 1, let side = sides.first { return side }
            }
            for index in keys.indices.dropFirst()
            where bodyParts[keys[index]] == part || pluralParts[keys[index]] == part {
                let previous = keys[index - 1]
                if previous == "right" || previous == "left" { return previous }
                if pluralParts[keys[index]] != nil,
                    previous == "both" || index > 1 && keys[index - 2] == "both" && possessives.contains(previous)
                {
                    return "bilateral"
                }
            }
            // The clinician asks which one: `left or right`, `which wrist`, `which side`.
            let asksSide =
                zip(keys, keys.dropFirst().dropFirst()).contains { pair in
                    [pair.0, pair.1] == ["left", "right"] || [pair.0, pair.1] == ["right", "left"]
                }
                || zip(keys, keys.dropFirst()).contains { $0 == "which" && (bodyParts[$1] == part || $1 == "side") }
            if sentence.speaker == .clinician, asksSide, keys.contains(where: { bodyParts[$0] == part }) {
                askedWhich = true
            }
        }
        return nil
    }

    /// Plurals that name both of a pair (`both my wrists`), for the side only.
    static let pluralParts: [String: String] = [
        "knees": "knee", "ankles": "ankle", "wrists": "wrist", "shoulders": "shoulder", "elbows": "elbow",
        "hips": "hip", "feet": "foot", "hands": "hand", "arms": "arm", "legs": "leg", "heels": "heel",
    ]
}
