import Scribe
import Terminology

/// Chronic conditions the visit keeps under treatment: a condition named anywhere in the visit (the history's
/// `past medical history significant for high blood pressure`, the patient's `my cholesterol`) is coded when a drug
/// for it is among the patient's medications, though the assessment does not name it again (guideline IV.J: code
/// all documented conditions that coexist at the visit and require or affect its care or management). A relative's
/// cancer talked over in the history is coded too (Z80): it sets the patient's screening.
extension DiagnosisCoder {
    /// A problem `ClinicalLexicon.problemIndicators` lists drugs for: its code categories (compact, no dot), and the
    /// words that name it as a topic of care with its default code (`for your blood pressure, keep the lisinopril`:
    /// hypertension, I10).
    struct ManagedProblem: Sendable {
        var prefixes: [String]
        var topic: [String] = []
        var topicCode: String? = nil
    }

    /// The problems a drug among the medications says the patient is treated for, by their names in
    /// `ClinicalLexicon.problemIndicators`.
    static let managedProblems: [String: ManagedProblem] = [
        "diabetes": ManagedProblem(prefixes: ["E08", "E09", "E10", "E11", "E13"]),
        "hypertension": ManagedProblem(
            prefixes: hypertensiveCategories, topic: ["blood", "pressure"], topicCode: "I10"),
        "dyslipidemia": ManagedProblem(prefixes: ["E78"], topic: ["cholesterol"], topicCode: "E78.5"),
        "hypothyroidism": ManagedProblem(prefixes: ["E03", "E890"], topic: ["thyroid"], topicCode: "E03.9"),
        "asthma": ManagedProblem(prefixes: ["J45"]),
        "chronic obstructive pulmonary disease": ManagedProblem(prefixes: ["J44"]),
        "depression": ManagedProblem(prefixes: ["F32", "F33"]),
        "acid reflux": ManagedProblem(prefixes: ["K21"]),
        "congestive heart failure": ManagedProblem(prefixes: ["I50"]),
        "atrial fibrillation": ManagedProblem(prefixes: ["I48"]),
        "gout": ManagedProblem(prefixes: ["M10", "M1A"]),
        "osteoporosis": ManagedProblem(prefixes: ["M80", "M81"]),
        "benign prostatic hyperplasia": ManagedProblem(prefixes: ["N40"], topic: ["prostate"], topicCode: "N40.0"),
    ]

    /// At most this many of the visit's sentences are read for what its assessment does not repeat.
    static let managedSentenceLimit = 400

    /// A sentence of the visit with its clauses' words, read once for every pass that looks at the visit.
    struct VisitSentence {
        var statement: NoteStatement
        var clauses: [[String]]
    }

    /// The visit's sentences (at most ``managedSentenceLimit``), each with its clauses.
    static func read(_ visit: [NoteStatement]) -> [VisitSentence] {
        visit.prefix(managedSentenceLimit).map { VisitSentence(statement: $0, clauses: clauses(of: $0.text)) }
    }

    /// The chronic conditions that the medications treat and that the candidates do not code yet, each coded from
    /// its first mention in `sentences` that is not negated, uncertain, hypothetical, a relative's or resolved;
    /// failing that, from a statement that names the problem's topic beside its drug (`your blood pressure, you're
    /// on lisinopril`).
    func managedConditions(
        in sentences: [VisitSentence], medications: [String], coded: [Candidate], startOrder: Int,
        memo: MentionMemo
    ) -> [Candidate] {
        let taken = Set(medications.flatMap { SearchTerms.words($0) })
        var wanted: [(problem: ManagedProblem, drugs: [String])] = []
        for (name, problem) in Self.managedProblems.sorted(by: { $0.key < $1.key }) {
            let drugs = ClinicalLexicon.problemIndicators[name, default: []].filter(taken.contains)
            guard !drugs.isEmpty,
                !coded.contains(where: { candidate in
                    problem.prefixes.contains { candidate.code.compactCode.hasPrefix($0) }
                })
            else { continue }
            wanted.append((problem, drugs))
        }
        var found: [Candidate] = []
        var order = startOrder
        func add(_ code: ICD10Code, _ statement: NoteStatement, _ reason: String, _ traits: Concepts.Traits) {
            found.append(
                Candidate(
                    code: code, confidence: 0.75, reason: reason,
                    evidence: [
                        CodeEvidence(section: statement.section, statement: statement.text, ranges: statement.evidence)
                    ],
                    order: order, traits: traits.union(.chronic)))
        }
        for (statement, clauses) in sentences.map({ ($0.statement, $0.clauses) }) where !wanted.isEmpty {
            for words in clauses {
                for mention in memo.mentions(in: words) {
                    order += 1
                    guard !mention.negated, !mention.uncertain, !mention.hypothetical, !mention.family,
                        !mention.resolved,
                        !mention.target.traits.contains(.symptom)
                    else { continue }
                    let compact = mention.target.code.compactCode
                    guard
                        let index = wanted.firstIndex(where: { $0.problem.prefixes.contains { compact.hasPrefix($0) } }
                        ),
                        let code = chooseAll(
                            within: mention.target.code, context: context(of: words, excluding: mention.words)
                        )
                        .first?.0
                    else { continue }
                    let said = words[mention.words].joined(separator: " ")
                    add(
                        code, statement,
                        "a chronic condition the visit treats: \"\(said)\", with \(wanted[index].drugs[0]) among the medications",
                        mention.target.traits)
                    wanted.remove(at: index)
                }
            }
        }
        // Only a problem named by a topic is looked for by its topic: the sentences are not split into words for
        // the others.
        for statement in sentences.map(\.statement) where wanted.contains(where: { !$0.problem.topic.isEmpty }) {
            let words = SearchTerms.words(statement.text)
            guard
                let index = wanted.firstIndex(where: { problem, drugs in
                    !problem.topic.isEmpty && words.contains(where: drugs.contains)
                        && words.indices.contains { words[$0...].starts(with: problem.topic) }
                }),
                let topicCode = wanted[index].problem.topicCode, let code = codeSet.code(topicCode)
            else { continue }
            order += 1
            let topic = wanted[index].problem.topic.joined(separator: " ")
            add(code, statement, "the \(topic) treated with \(wanted[index].drugs[0]): \(code.code)", [])
            wanted.remove(at: index)
        }
        return found
    }

    /// Personal histories and statuses said in passing anywhere in the visit, often in a question the patient
    /// confirms (`and you've had kidney stones before ?` / `yes , the last one five years ago`, `you had breast
    /// cancer , treated eight years ago`, `your left knee was replaced in 2019`), that the assessment does not name:
    /// a cancer treated and gone (Z85), urinary stones had (Z87.442), a replaced knee or hip (Z96.64-, Z96.65-).
    /// A relative's, a denied, doubted or planned one is not coded, nor one the visit codes as current.
    func historiesInPassing(in sentences: [VisitSentence], coded: [Candidate], startOrder: Int) -> [Candidate] {
        var found: [Candidate] = []
        var order = startOrder
        func add(_ code: String, _ statement: NoteStatement, _ reason: String) {
            guard let history = codeSet.code(code), history.isBillable,
                !(coded + found).contains(where: { $0.code.category == history.category })
            else { return }
            order += 1
            found.append(
                Candidate(
                    code: history, confidence: 0.7, reason: reason,
                    evidence: [
                        CodeEvidence(section: statement.section, statement: statement.text, ranges: statement.evidence)
                    ],
                    order: order, traits: [.status]))
        }
        let codedCategories = Set(coded.map(\.code.category))
        for (index, sentence) in sentences.enumerated() {
            // The answer to a confirmed question says when (`yes , about five years ago`).
            let answer = index + 1 < sentences.count ? Array(sentences[index + 1].clauses.joined()) : []
            // Only clauses with a word such a history needs are searched (the search is the pass's cost).
            for words in sentence.clauses
            where words.contains(where: Self.passingHistoryWords.contains) || Self.replacedJoint(words) != nil {
                let mentions = mentions(in: words, keeping: Self.passingHistoryKind)
                let said = words + answer
                let treatedAndGone =
                    Self.occurs(Self.cancerGoneCues, in: said, 0..<said.count)
                    || Self.occurs(Self.clearSinceCues, in: said, 0..<said.count)
                    || (Self.occurs(Self.cancerTreatedCues, in: said, 0..<said.count)
                        || Self.occurs(Self.takenOutCues, in: said, 0..<said.count))
                        && (Self.saysLongAgo(said, 0..<said.count) || said.contains("since"))
                for mention in mentions
                where !mention.negated && !mention.uncertain && !mention.hypothetical && !mention.family {
                    let code = mention.target.code
                    let compact = code.compactCode
                    guard !codedCategories.contains(code.category) else { continue }
                    let name = words[mention.words].joined(separator: " ")
                    if compact.hasPrefix("C"), treatedAndGone || mention.resolved,
                        let history = Self.mapped(code, Concepts.historyCodes)
                    {
                        add(history.code, sentence.statement, "history of a cancer treated and gone, said in the visit: \"\(name)\"")
                    } else if code.category == "N20",
                        !coded.contains(where: { $0.code.category == "N13" }),
                        mention.historical || said.contains("before") || Self.saysLongAgo(said, 0..<said.count)
                    {
                        add("Z87.442", sentence.statement, "history of urinary stones, said in the visit: \"\(name)\"")
                    }
                }
                if let joint = Self.replacedJoint(words) {
                    add(joint, sentence.statement, "a replaced joint the visit names: its status code")
                }
            }
        }
        return found
    }

    /// The status code of a knee or hip the clause says was replaced (`your left knee replacement`, `had her right
    /// hip replaced`), by its side; nil for one planned or a relative's.
    static func replacedJoint(_ words: [String]) -> String? {
        guard let replaced = words.firstIndex(where: { ["replaced", "replacement", "arthroplasty"].contains($0) }),
            !occurs(statusPlanCues, in: words, 0..<words.count), !occurs(cues.relativeBefore, in: words, 0..<words.count),
            !words.contains(where: { Self.jointPlanWords.contains($0) })
        else { return nil }
        let near = words[max(0, replaced - 4)..<min(words.count, replaced + 4)]
        let base: String
        if near.contains("knee") || near.contains("knees") {
            base = "Z96.65"
        } else if near.contains("hip") || near.contains("hips") {
            base = "Z96.64"
        } else {
            return nil
        }
        let sides = words[max(0, replaced - 6)..<min(words.count, replaced + 4)]
        if sides.contains("both") || sides.contains("bilateral") || near.contains("knees") || near.contains("hips") {
            return base + "3"
        }
        if sides.contains("right") { return base + "1" }
        if sides.contains("left") { return base + "2" }
        return base + "9"
    }

    /// The conditions whose history `historiesInPassing` codes: cancers and urinary stones.
    static func passingHistoryKind(_ target: DiagnosisIndex.Target) -> Bool {
        target.code.compactCode.hasPrefix("C") || target.code.category == "N20"
    }

    /// Words without which a clause names no cancer and no urinary stone.
    static let passingHistoryWords: Set<String> = [
        "cancer", "cancers", "carcinoma", "melanoma", "lymphoma", "leukemia", "tumor", "tumour", "malignancy",
        "malignant", "sarcoma", "myeloma", "neoplasm", "seminoma", "glioma", "bcc", "scc", "stone", "stones",
        "calculus", "calculi", "nephrolithiasis", "urolithiasis", "lithiasis",
    ]

    /// A cancer said to be clear since its treatment (`i've been clear since`, `cured`).
    static let clearSinceCues: CueList = phrases(
        "been clear", "clear since", "all clear ever since", "been fine since", "cured", "no sign of it")
    /// A cancer's operation said in lay words (`they took out part of my colon`).
    static let takenOutCues: CueList = phrases("took out", "taken out", "cut out", "operated", "operation")

    /// Words that make a joint replacement a plan or an option, not one done.
    static let jointPlanWords: Set<String> = [
        "need", "needs", "will", "would", "if", "candidate", "consider", "revision", "option", "options", "eventual",
        "eventually", "discussed", "someday", "future",
    ]

    /// The family history of cancer (Z80) the visit's sentences state, each code once, unless the candidates have it.
    func familyCancers(
        in sentences: [VisitSentence], coded: [Candidate], startOrder: Int, memo: MentionMemo
    ) -> [Candidate] {
        var found: [Candidate] = []
        var order = startOrder
        for (statement, clauses) in sentences.map({ ($0.statement, $0.clauses) }) {
            // Only a clause that names a relative is searched for conditions.
            for words in clauses where Self.occurs(Self.cues.relativeBefore, in: words, 0..<words.count) {
                for mention in memo.mentions(in: words) {
                    order += 1
                    guard mention.family, !mention.negated, !mention.uncertain, !mention.hypothetical,
                        mention.target.code.category.hasPrefix("C"),
                        let code = Self.mapped(mention.target.code, Concepts.familyCodes),
                        !(coded + found).contains(where: { $0.code == code })
                    else { continue }
                    let said = words[mention.words].joined(separator: " ")
                    found.append(
                        Candidate(
                            code: code, confidence: 0.75,
                            reason: "family history: \"\(said)\" in a relative (\(code.code))",
                            evidence: [
                                CodeEvidence(
                                    section: statement.section, statement: statement.text, ranges: statement.evidence)
                            ],
                            order: order, traits: [.status]))
                }
            }
        }
        return found
    }

    /// Abdominal pain by the site the visit gives it (`right upper quadrant`, `under my ribs on the right side`).
    static let abdominalSites: [(code: String, phrases: [[String]])] = [
        (
            "R10.11",
            [
                ["right", "upper", "quadrant"], ["right", "upper", "belly"], ["right", "upper", "abdomen"],
                ["right", "upper", "part"], ["ribs", "on", "the", "right"], ["right", "side", "under", "my", "ribs"],
            ]
        ),
        ("R10.12", [["left", "upper", "quadrant"], ["left", "upper", "belly"], ["left", "upper", "abdomen"]]),
        ("R10.31", [["right", "lower", "quadrant"], ["right", "lower", "belly"], ["right", "lower", "abdomen"]]),
        ("R10.32", [["left", "lower", "quadrant"], ["left", "lower", "belly"], ["left", "lower", "abdomen"]]),
        ("R10.13", [["epigastric"], ["epigastrium"]]),
    ]
    /// Abdominal pain codes that name no site.
    static let unsitedAbdominalPain: Set<String> = ["R109", "R1010", "R1030"]

    /// Abdominal pain coded without a site takes the one site the visit's sentences give it, when they give exactly
    /// one that no `no` or `non` just before denies.
    func withAbdominalSite(_ candidates: inout [Candidate], visit: [VisitSentence]) {
        guard let pain = candidates.firstIndex(where: { Self.unsitedAbdominalPain.contains($0.code.compactCode) })
        else {
            return
        }
        var sites: Set<String> = []
        for sentence in visit {
            for words in sentence.clauses {
                for (code, phrases) in Self.abdominalSites {
                    for phrase in phrases {
                        for start in words.indices where words[start...].starts(with: phrase) {
                            let before = words[max(0, start - 4)..<start]
                            if !before.contains(where: { ["no", "non", "not", "nontender", "without"].contains($0) }) {
                                sites.insert(code)
                            }
                        }
                    }
                }
            }
        }
        guard sites.count == 1, let site = sites.first, let code = codeSet.code(site) else { return }
        if candidates.contains(where: { $0.code == code }) {
            candidates.remove(at: pain)
        } else {
            candidates[pain].code = code
            candidates[pain].reason += "; the site the visit gives the pain (\(code.code))"
        }
    }
}
