import Scribe
import Terminology

/// The additional codes the classification asks for beside a condition: the infectious agent (B95-B97) of an
/// infection whose title names none, the level of a hypoglycemia, the underlying hypertension of a resistant one,
/// COVID-19 beside its pneumonia, long-term drug therapy (Z79) from the medications named.
extension DiagnosisCoder {
    /// The organism codes (B95-B97) by the words that name the organism, longest first.
    static let organisms: [(words: [String], code: String, name: String)] = [
        (["methicillin", "resistant", "staphylococcus", "aureus"], "B95.62", "MRSA"),
        (["methicillin", "resistant", "staph", "aureus"], "B95.62", "MRSA"),
        (["streptococcus", "pneumoniae"], "B95.3", "Streptococcus pneumoniae"),
        (["strep", "pneumoniae"], "B95.3", "Streptococcus pneumoniae"),
        (["group", "a", "strep"], "B95.0", "group A streptococcus"),
        (["group", "a", "streptococcus"], "B95.0", "group A streptococcus"),
        (["streptococcus", "pyogenes"], "B95.0", "group A streptococcus"),
        (["group", "b", "strep"], "B95.1", "group B streptococcus"),
        (["group", "b", "streptococcus"], "B95.1", "group B streptococcus"),
        (["staphylococcus", "aureus"], "B95.61", "MSSA"),
        (["staph", "aureus"], "B95.61", "MSSA"),
        (["s", "aureus"], "B95.61", "MSSA"),
        (["escherichia", "coli"], "B96.20", "E. coli"),
        (["e", "coli"], "B96.20", "E. coli"),
        (["helicobacter", "pylori"], "B96.81", "H. pylori"),
        (["h", "pylori"], "B96.81", "H. pylori"),
        (["mrsa"], "B95.62", "MRSA"),
        (["mssa"], "B95.61", "MSSA"),
        (["ecoli"], "B96.20", "E. coli"),
        (["pylori"], "B96.81", "H. pylori"),
        (["enterococcus"], "B95.2", "enterococcus"),
        (["enterococcal"], "B95.2", "enterococcus"),
        (["pseudomonas"], "B96.5", "Pseudomonas"),
        (["klebsiella"], "B96.1", "Klebsiella"),
        (["proteus"], "B96.4", "Proteus"),
    ]

    /// The organism a clause names, if any (the first, longest match).
    static func organism(in words: [String]) -> (code: String, name: String)? {
        for start in words.indices {
            for entry in organisms where start + entry.words.count <= words.count {
                if words[start..<(start + entry.words.count)].elementsEqual(entry.words) {
                    return (entry.code, entry.name)
                }
            }
        }
        return nil
    }

    /// Codes for an infection by its organism that say nothing about the site (`MRSA infection`): given way to
    /// the organism code when the site's infection is coded.
    static let organismInfections = ["A4902", "A4901", "A491", "A498", "A499"]

    /// Whether the classification asks for the infectious agent beside a code (a `use additional code (B95-B97)`
    /// note), or the code is a stomach or duodenal disease that H. pylori causes.
    func asksForOrganism(_ code: ICD10Code) -> Bool {
        code.applicableNotes.contains { _, note in
            note.kind == .useAdditionalCode && note.references.contains { $0.covers("B9620") || $0.covers("B9562") }
        }
    }

    /// Adds a code that goes with another (`leader`): from the leader's statement and evidence, and listed just
    /// before it (a code-first note) or with it (an additional code).
    func append(
        _ code: String, to candidates: inout [Candidate], beside leader: Candidate, first: Bool = false,
        traits: Concepts.Traits, reason: String
    ) {
        append(code, to: &candidates, reason: reason)
        guard let index = candidates.firstIndex(where: { $0.code.code == code }) else { return }
        candidates[index].order = first ? leader.order - 1 : leader.order
        candidates[index].statement = leader.statement
        candidates[index].evidence = leader.evidence
        candidates[index].traits = traits
    }

    /// Adds the additional codes the classification asks for (see the type's comment).
    func withAdditionalCodes(_ candidates: inout [Candidate], drugs: Set<String>, planWords: [[String]]) {
        func has(_ prefix: String) -> Bool { candidates.contains { $0.code.compactCode.hasPrefix(prefix) } }
        // The infectious agent, when the statement that names the infection names it.
        var organismsAdded: [(code: String, statement: Int)] = []
        let organismWords = Set(Self.organisms.compactMap(\.words.first))
        for candidate in candidates where !candidate.code.compactCode.hasPrefix("B9") {
            for evidence in candidate.evidence {
                for words in Self.clauses(of: evidence.statement)
                where words.contains(where: { organismWords.contains($0) }) {
                    guard let found = Self.organism(in: words) else { continue }
                    let isStomach = ["K25", "K26", "K27", "K29"].contains(candidate.code.category)
                    guard isStomach ? found.code == "B96.81" : asksForOrganism(candidate.code) else { continue }
                    organismsAdded.append((found.code, candidate.statement))
                }
            }
        }
        for (code, statement) in organismsAdded {
            if let source = candidates.first(where: {
                $0.statement == statement && !$0.code.compactCode.hasPrefix("B9")
            }) {
                append(
                    code, to: &candidates, beside: source, traits: [],
                    reason: "use additional code: the infectious agent named with the infection")
            }
            // The organism is the cause of the coded infection, not an infection of its own.
            candidates.removeAll { $0.statement == statement && Self.organismInfections.contains($0.code.compactCode) }
        }
        // Resistant hypertension: code first the type of hypertension (essential when none is stated).
        if has("I1A0"), !has("I10"), !has("I11"), !has("I12"), !has("I13"), !has("I15"),
            let resistant = candidates.firstIndex(where: { $0.code.compactCode == "I1A0" })
        {
            append(
                "I10", to: &candidates, beside: candidates[resistant], first: true, traits: [.chronic],
                reason: "code first: the hypertension that is resistant (essential, none other stated)")
        }
        // Pneumonia due to COVID-19: code first COVID-19 (U07.1).
        if has("J1282"), !has("U071"), let pneumonia = candidates.firstIndex(where: { $0.code.compactCode == "J1282" })
        {
            append(
                "U07.1", to: &candidates, beside: candidates[pneumonia], first: true, traits: [.systemic],
                reason: "code first: COVID-19, the cause of the pneumonia")
        }
        // Diabetes with hypoglycemia: its level, when stated (use additional code E16.A-); an unspecified
        // hypoglycemia beside the diabetes combination code is part of it.
        if let diabetic = candidates.firstIndex(where: {
            ["E1064", "E1164", "E1364"].contains(String($0.code.compactCode.prefix(5)))
        }) {
            if let level = Self.hypoglycemiaLevel(planWords), !has("E16A") {
                append(
                    level, to: &candidates, beside: candidates[diabetic], traits: [.status],
                    reason: "use additional code: the level of the hypoglycemia")
            }
            candidates.removeAll { $0.code.compactCode == "E162" }
        }
        // Long-term drug therapy named in the medications: bisphosphonates for bone density (Z79.83), aspirin
        // (Z79.82), systemic steroids (Z79.52), opioids (Z79.891), beside the condition they treat.
        withContraception(&candidates, planWords: planWords)
        if let bone = candidates.firstIndex(where: { ["M80", "M81"].contains($0.code.category) }),
            drugs.contains(where: { Self.bisphosphonates.contains($0) })
        {
            let evidence = candidates[bone].evidence
            append("Z79.83", to: &candidates, reason: "long-term (current) use of bisphosphonates")
            if let index = candidates.firstIndex(where: { $0.code.code == "Z79.83" }),
                candidates[index].evidence.isEmpty
            {
                candidates[index].evidence = evidence
            }
        }
    }

    /// Long-term drug therapy (Z79) by the drug names that say it.
    static let longTermDrugs: [(names: Set<String>, code: String, label: String)] = [
        (["aspirin", "asa"], "Z79.82", "aspirin"),
        // Prescription NSAIDs taken daily; ibuprofen and naproxen are too often taken as needed to say long-term.
        (["meloxicam", "mobic", "celecoxib", "celebrex", "diclofenac", "nabumetone", "etodolac"], "Z79.1", "an NSAID"),
        (
            ["clopidogrel", "plavix", "ticagrelor", "brilinta", "prasugrel", "effient"], "Z79.02",
            "an antiplatelet drug"
        ),
        (
            ["prednisone", "prednisolone", "methylprednisolone", "dexamethasone", "hydrocortisone"], "Z79.52",
            "a systemic steroid"
        ),
        (
            [
                "oxycodone", "hydrocodone", "norco", "percocet", "vicodin", "tramadol", "morphine", "hydromorphone",
                "dilaudid",
                "oxycontin", "tapentadol", "fentanyl",
            ], "Z79.891", "an opiate analgesic"
        ),
        (
            [
                "fluticasone", "budesonide", "mometasone", "beclomethasone", "ciclesonide", "advair", "symbicort",
                "breo",
                "flovent", "pulmicort", "qvar", "trelegy", "dulera", "arnuity", "asmanex", "wixela",
            ], "Z79.51", "an inhaled steroid"
        ),
        // Immunosuppressants and antimetabolites by their class (Z79.62-, Z79.63-, new in FY2025).
        (
            [
                "adalimumab", "humira", "etanercept", "enbrel", "infliximab", "remicade", "certolizumab", "cimzia",
                "golimumab", "simponi", "ustekinumab", "stelara", "secukinumab", "cosentyx", "ixekizumab", "taltz",
                "risankizumab", "skyrizi", "guselkumab", "tremfya", "tocilizumab", "actemra", "abatacept", "orencia",
                "rituximab", "vedolizumab", "entyvio",
            ], "Z79.620", "an immunosuppressive biologic"
        ),
        (["tacrolimus", "cyclosporine"], "Z79.621", "a calcineurin inhibitor"),
        (
            ["tofacitinib", "xeljanz", "upadacitinib", "rinvoq", "baricitinib", "olumiant"], "Z79.622",
            "a Janus kinase inhibitor"
        ),
        (["sirolimus", "everolimus"], "Z79.623", "an mTOR inhibitor"),
        (
            ["azathioprine", "imuran", "mycophenolate", "cellcept", "leflunomide", "arava"], "Z79.624",
            "an inhibitor of nucleotide synthesis"
        ),
        (["methotrexate"], "Z79.631", "an antimetabolite"),
    ]

    /// Words that make a drug one the plan is about to start, not one the patient takes (`add adalimumab once it is
    /// approved`, `etanercept will be started`), unless the clause says it began some time ago.
    static let startWords: Set<String> = [
        "add", "adding", "start", "starting", "begin", "begins", "will", "planned", "approval",
    ]

    /// Words that make a drug a short course, not long-term therapy (`prednisone taper`, `a five day burst`).
    static let shortCourse: Set<String> = [
        "burst", "pack", "dosepak", "course", "never", "finished", "completed",
        // `a baby aspirin every day until the stress test`.
        "until",
    ]

    /// Words that say a steroid is inhaled (`the fluticasone inhaler`, `budesonide-formoterol two puffs`).
    static let inhalerWords: Set<String> = [
        "inhaler", "inhalers", "inhaled", "inhalation", "puff", "puffs", "hfa", "diskus", "ellipta", "respimat",
        "formoterol", "salmeterol", "vilanterol", "nebulized", "nebulizer",
    ]

    /// Words that name another form of the drug (`fluticasone nasal spray`, a steroid cream or injection): a short
    /// course or another drug, unless the visit also names the drug inhaled, which then alone counts.
    static let otherForm: Set<String> = [
        "nasal", "spray", "flonase", "nasacort", "cream", "ointment", "topical", "gel", "rub", "drops", "injection",
        "injected", "shot",
    ]

    /// Whether a clause takes the drug at `position` for a short time or not at all: `for five days`, `for the
    /// next month`, `was not needed`, `no longer`.
    static func shortOrNot(_ words: [String], at position: Int) -> Bool {
        let near = words[max(0, position - 3)..<min(words.count, position + 5)]
        if near.contains(where: { ["not", "no", "without", "declined", "refused"].contains($0) }) { return true }
        for (index, word) in words.enumerated()
        where ["days", "day", "weeks", "week", "month"].contains(word) && index > 0 {
            let before = words[index - 1]
            // `every two weeks` is how often, not for how long.
            if index >= 2, ["every", "each", "per", "q"].contains(words[index - 2]) { continue }
            if count(before) != nil || before == "next" { return true }
        }
        return false
    }

    /// Long-term drug therapy codes for the drugs the patient takes: named in the medications or in the assessment
    /// and plan, not stopped, not a short course.
    ///
    /// - Parameter clauses: the clauses of the whole note and of the assessment read from the transcript: a drug
    ///   stopped, finished or taken as needed anywhere is not long-term therapy.
    func withLongTermDrugs(_ candidates: inout [Candidate], medications: [String], clauses: [[String]]) {
        let taken = Set(medications.flatMap { SearchTerms.words($0) })
        let said = taken.union(clauses.joined())
        for (names, code, label) in Self.longTermDrugs where !said.isDisjoint(with: names) {
            var named = !taken.isDisjoint(with: names)
            var shortCourse = false
            var planned = false, takenNow = false
            let inhaled =
                code == "Z79.51"
                && clauses.contains { words in
                    words.contains(where: names.contains) && words.contains(where: Self.inhalerWords.contains)
                }
            for words in clauses {
                guard let position = words.firstIndex(where: { names.contains($0) }) else { continue }
                // A steroid comes as a spray, a cream or an inhaler, and the clause says which (`a steroid nasal
                // spray, fluticasone, two sprays`); for another drug the form is its own list item's (`adalimumab
                // every two weeks, clobetasol ointment`: the ointment is the other drug's).
                let steroid = code == "Z79.51" || code == "Z79.52"
                let itemStart = steroid ? 0 : words[..<position].lastIndex(of: ",").map { $0 + 1 } ?? 0
                let itemEnd = steroid ? words.count : words[position...].firstIndex(of: ",") ?? words.count
                let otherForm = words[itemStart..<itemEnd].contains(where: Self.otherForm.contains)
                guard !(inhaled && otherForm) else { continue }
                if Self.saysStopped(words)
                    || words.contains(where: Self.shortCourse.contains) || otherForm
                    || Self.shortOrNot(words, at: position)
                {
                    shortCourse = true
                } else if words.contains(where: Self.startWords.contains), !words.contains("ago") {
                    planned = true
                } else {
                    named = true
                    takenNow = true
                }
            }
            // A drug the visit only plans to start is not yet taken, though the note lists it.
            guard named, !shortCourse, takenNow || !planned else { continue }
            append(code, to: &candidates, reason: "long-term (current) use of \(label)")
        }
    }

    /// The contraception encounter a plan says: device or method, and whether it starts, continues, goes in, comes
    /// out or is replaced.
    static func contraception(in clauses: [[String]]) -> [String] {
        var codes: [String] = []
        let negators: Set<String> = ["not", "no", "doesn't", "don't", "didn't", "won't", "never"]
        // A visit about birth control: there, `the pill` alone is the contraceptive pill, started (`i'll start you on
        // a low dose pill`) or, where refills are sent, kept (`you can keep going on the same pill`).
        let aboutContraception = clauses.contains { words in
            words.contains { $0 == "contraception" || Self.namedPills.contains($0) }
                || words.indices.contains { words[$0] == "birth" && $0 + 1 < words.count && words[$0 + 1] == "control" }
        }
        let refills = clauses.contains { words in words.contains { ["refill", "refills", "renew"].contains($0) } }
        for words in clauses {
            guard let method = words.firstIndex(where: { contraceptionWords.contains($0) }) else { continue }
            let set = Set(words)
            // `she does not want the iud`; a denial later in the clause is of something else (`one pill every day ,
            // no break`).
            if words[max(0, method - 5)..<method].contains(where: negators.contains) { continue }
            // An option talked over (`we could try a birth control pill`) is not the method managed.
            if ConditionContext.offered(words, before: method) { continue }
            func says(_ options: Set<String>) -> Bool { !set.isDisjoint(with: options) }
            let starts = says([
                "start", "starting", "begin", "prescribe", "prescribed", "new", "try", "initiate", "initiated",
                "initial", "started", "first",
            ])
            let continues = says([
                "continue", "continuing", "continued", "refill", "refilled", "refills", "keep", "renew", "renewed",
                "surveillance",
            ])
            let device =
                says(["iud", "mirena", "kyleena", "liletta", "paragard", "skyla"])
                || words.indices.contains {
                    words[$0] == "intrauterine" && $0 + 1 < words.count && words[$0 + 1] == "device"
                }
            if device {
                if says(["replace", "replaced", "replacement", "exchange", "swap", "reinsert", "reinsertion"]) {
                    codes.append("Z30.433")
                } else if says(["insert", "inserted", "insertion", "place", "placed", "placement"])
                    || Self.saysIn(words)
                {
                    codes.append("Z30.430")
                } else if says(["remove", "removed", "removal"]) {
                    codes.append("Z30.432")
                } else if says(["check", "strings", "surveillance"]) {
                    codes.append("Z30.431")
                }
                continue
            }
            if says(["nexplanon", "implanon", "implant"]) {
                if says(["insert", "inserted", "insertion", "place", "placed", "placement"]) {
                    codes.append("Z30.017")
                } else if says(["remove", "removed", "removal", "check"]) {
                    codes.append("Z30.46")
                }
                continue
            }
            if says(["depo", "medroxyprogesterone"]) {
                codes.append(starts ? "Z30.013" : "Z30.42")
                continue
            }
            let named =
                says(Self.namedPills) || (says(["pill", "pills"]) && says(["birth", "contraceptive", "control"]))
            // Not another drug's pill (`take the thyroid pill by itself`).
            let bare =
                !named && aboutContraception
                && words.indices.contains { position in
                    ["pill", "pills"].contains(words[position]) && position > 0
                        && Self.pillDeterminers.contains(words[position - 1])
                }
            if named || bare {
                if starts {
                    codes.append("Z30.011")
                } else if continues, named || refills {
                    codes.append("Z30.41")
                }
            }
        }
        // A pill first prescribed at the visit is not also one kept under surveillance.
        if codes.contains("Z30.011") { codes.removeAll { $0 == "Z30.41" } }
        var unique: [String] = []
        for code in codes where !unique.contains(code) { unique.append(code) }
        return unique
    }

    /// Words that name contraceptive pills by kind, brand or generic name.
    static let namedPills: Set<String> = [
        "ocp", "ocps", "sprintec", "junel", "loestrin", "microgestin", "yaz", "yasmin", "norethindrone", "drospirenone",
        "contraceptive", "contraceptives", "norgestimate", "levonorgestrel", "desogestrel", "norgestrel", "ethinyl",
    ]

    /// Words before `pill` that leave it the contraceptive pill in a visit about birth control (`the same pill`,
    /// `a low dose pill`), unlike a drug or organ (`the thyroid pill`, `a water pill`).
    static let pillDeterminers: Set<String> = ["the", "a", "your", "her", "my", "same", "dose", "new", "this", "that"]

    /// `... and the iud is in`: a device said to be in place now.
    static func saysIn(_ words: [String]) -> Bool {
        for position in words.indices.dropLast() where words[position] == "is" && words[position + 1] == "in" {
            return true
        }
        return false
    }

    /// The words without which a clause says no contraceptive method.
    static let contraceptionWords: Set<String> = Set([
        "iud", "mirena", "kyleena", "liletta", "paragard", "skyla", "intrauterine", "nexplanon", "implanon", "implant",
        "depo", "medroxyprogesterone", "pill", "pills",
    ]).union(namedPills)

    /// Words that name a hormonal contraceptive the patient takes.
    static let hormonalContraceptives: Set<String> = [
        "pill", "pills", "ocp", "ocps", "hormonal", "estrogen", "progestin", "sprintec", "junel", "loestrin",
        "microgestin", "yaz", "yasmin", "norethindrone", "drospirenone", "nuvaring",
    ]

    /// Replaces a contraception code of unstated kind with the encounters the plan says; when the plan manages no
    /// contraception, a hormonal contraceptive the patient takes is long-term use of it (Z79.3), not an encounter
    /// for contraception.
    func withContraception(_ candidates: inout [Candidate], planWords: [[String]]) {
        let said = Self.contraception(in: planWords)
        guard !said.isEmpty else {
            if let unspecified = candidates.firstIndex(where: { $0.code.compactCode == "Z309" }),
                planWords.contains(where: { $0.contains(where: Self.hormonalContraceptives.contains) }),
                let longTerm = codeSet.code("Z79.3"), !candidates.contains(where: { $0.code == longTerm })
            {
                candidates[unspecified].code = longTerm
                candidates[unspecified].reason += "; a hormonal contraceptive taken, no contraception managed: Z79.3"
                candidates[unspecified].traits = [.status]
            }
            return
        }
        let existing = candidates.first { $0.code.category == "Z30" }
        candidates.removeAll { $0.code.category == "Z30" && !said.contains($0.code.code) }
        for code in said {
            if let existing {
                append(
                    code, to: &candidates, beside: existing, traits: [.status],
                    reason: "contraceptive management the plan states")
            } else {
                append(code, to: &candidates, reason: "contraceptive management the plan states")
            }
        }
    }

    /// A contraceptive pill the patient takes, said anywhere in the visit (`just my birth control pill`, `she's on
    /// the pill`), with no contraception managed at the visit: long-term use of hormonal contraceptives (Z79.3).
    func withContraceptivePill(_ candidates: inout [Candidate], clauses: [[String]]) {
        guard !candidates.contains(where: { $0.code.category == "Z30" || $0.code.compactCode == "Z793" }) else {
            return
        }
        let named = clauses.contains { words in
            // Most clauses name no pill: they are passed over before anything else is asked of them.
            guard words.contains(where: { $0 == "pill" || $0 == "pills" || Self.oralContraceptiveBrands.contains($0) })
            else { return false }
            // Not a pill the plan is about to start or talks over (`we could try a birth control pill`).
            guard !words.contains(where: { Self.startWords.contains($0) || Self.pillOptionWords.contains($0) }),
                !Self.saysStopped(words)
            else { return false }
            return words.indices.contains { position in
                let word = words[position]
                if Self.oralContraceptiveBrands.contains(word) { return true }
                guard word == "pill" || word == "pills" else { return false }
                let before = words[max(0, position - 3)..<position]
                // `my birth control pill`, `oral contraceptive pills`, `she's on the pill`.
                return before.contains("contraceptive") || before.contains("control") && before.contains("birth")
                    || position >= 2 && words[position - 2] == "on" && words[position - 1] == "the"
            } && !words.contains(where: { ["not", "no", "off", "never"].contains($0) })
        }
        if named { append("Z79.3", to: &candidates, reason: "long-term (current) use of a hormonal contraceptive pill") }
    }

    /// Words that name an oral contraceptive.
    static let oralContraceptiveBrands: Set<String> = [
        "ocp", "ocps", "sprintec", "junel", "loestrin", "microgestin", "yaz", "yasmin", "seasonique",
    ]
    /// Words that make a pill an option talked over, not one taken.
    static let pillOptionWords: Set<String> = ["consider", "option", "options", "could", "try", "if", "want"]

    /// Lower urinary tract symptoms by the words that say them (the symptoms N40.1 asks to be coded beside it).
    static let urinarySymptoms: [(words: [String], code: String)] = [
        (["nocturia"], "R35.1"), (["up", "at", "night"], "R35.1"), (["at", "night", "to", "urinate"], "R35.1"),
        (["weak", "stream"], "R39.12"), (["poor", "stream"], "R39.12"), (["slow", "stream"], "R39.12"),
        (["hesitancy"], "R39.11"), (["incomplete", "emptying"], "R39.14"), (["not", "emptying"], "R39.14"),
        (["urgency"], "R39.15"), (["straining"], "R39.16"), (["frequency"], "R35.0"),
        (["frequent", "urination"], "R35.0"),
    ]

    /// Benign prostatic hyperplasia with the urinary symptoms the note documents (outside the plan, which says
    /// what to watch for) is N40.1, and the symptoms are
    /// coded beside it (its `use additional code for associated symptoms` note).
    func withUrinarySymptoms(_ candidates: inout [Candidate], note: Note) {
        guard
            let prostate = candidates.firstIndex(where: {
                $0.code.compactCode == "N400" || $0.code.compactCode == "N401"
            })
        else { return }
        var found: [String] = []
        for statement in note.statements where statement.section != .plan {
            for words in Self.clauses(of: statement.text) {
                for entry in Self.urinarySymptoms where !found.contains(entry.code) {
                    guard let start = words.indices.first(where: { words[$0...].starts(with: entry.words) }) else {
                        continue
                    }
                    // A denial runs on through the list it opens (`denies urgency, daytime frequency, straining`,
                    // `denies the feeling of incomplete emptying`), not past a scope end (`but`).
                    let reach = max(0, start - 8)
                    let scope = words[reach..<start].lastIndex(where: ConditionContext.endsScope).map { $0 + 1 } ?? reach
                    let denials: Set<String> = ["no", "denies", "denied", "without", "not"]
                    if words[scope..<start].contains(where: denials.contains) { continue }
                    found.append(entry.code)
                }
            }
        }
        guard !found.isEmpty, let withSymptoms = codeSet.code("N40.1") else { return }
        if candidates[prostate].code.compactCode == "N400" {
            candidates[prostate].code = withSymptoms
            candidates[prostate].reason += "; with lower urinary tract symptoms (N40.1)"
        }
        let leader = candidates[prostate]
        for code in found.sorted() {
            // Listed after the condition they belong to, not as the visit's reason.
            append(
                code, to: &candidates, beside: leader, traits: [.status],
                reason: "use additional code: the urinary symptom documented with the enlarged prostate")
        }
    }

    /// The hypoglycemia level said (`level 2 hypoglycemia`, `hypoglycemia level 3`).
    static func hypoglycemiaLevel(_ clauses: [[String]]) -> String? {
        for words in clauses {
            for (index, word) in words.enumerated() where word == "level" && index + 1 < words.count {
                let nearby = words[max(0, index - 3)..<min(words.count, index + 5)]
                guard nearby.contains(where: { $0.hasPrefix("hypoglyc") }) else { continue }
                switch words[index + 1] {
                case "1", "one", "i": return "E16.A1"
                case "2", "two", "ii": return "E16.A2"
                case "3", "three", "iii": return "E16.A3"
                default: continue
                }
            }
        }
        return nil
    }

    static let bisphosphonates: Set<String> = [
        "alendronate", "fosamax", "risedronate", "actonel", "atelvia", "ibandronate", "boniva", "zoledronic", "reclast",
        "zometa",
    ]
}
