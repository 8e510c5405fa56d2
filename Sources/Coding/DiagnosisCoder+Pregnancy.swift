import Scribe
import Terminology

/// The pregnancy's own facts, as the visit states them: the weeks of gestation today (`at 20 weeks and 3 days`,
/// `G1 P0 at 30 weeks`), which give the trimester of the pregnancy codes (guideline I.C.15.a.3: first trimester
/// before 14 weeks 0 days, second before 28 weeks 0 days, third after) and the Z3A code that goes with them
/// (I.C.15.a.1, used with the O codes and with Z34); and whether this is the first pregnancy (`gravida 1`,
/// `primigravida`), which splits Z34.0- from Z34.8-.
extension DiagnosisCoder {
    /// Words after `N weeks` that make it the pregnancy's age today rather than a time in the plan
    /// (`an ultrasound at 32 weeks`) or in the history (`diagnosed at 26 weeks`).
    static let gestationFollowers: Set<String> = ["pregnant", "gestation", "gestational", "along", "ga"]

    /// The weeks of gestation the visit states as today's: `N weeks` followed by its days (`30 weeks and 2 days`,
    /// `12 weeks 3 days`) or by `pregnant`/`gestation`, or in the clause that gives gravida and para; the first
    /// such mention, since visits open with it.
    static func currentGestationWeeks(_ visit: [VisitSentence]) -> Int? {
        for sentence in visit {
            let obstetric = sentence.clauses.contains { $0.contains(where: isGravidity) }
            for words in sentence.clauses {
                for index in words.indices.dropFirst()
                where ["weeks", "week", "wks"].contains(words[index]) {
                    guard let weeks = Int(words[index - 1]), (1...45).contains(weeks) else { continue }
                    // `30 weeks and 2 days`, `12 weeks 3 days` (not `2 weeks 3 times a day`).
                    var after = Array(words[(index + 1)..<min(words.count, index + 4)])
                    if after.first == "and" { after.removeFirst() }
                    let days = after.count >= 2 && Int(after[0]) != nil && ["days", "day", "d"].contains(after[1])
                    let stated = after.first.map(gestationFollowers.contains) ?? false
                    // `G1 P0 at 30 weeks by ultrasound`: the age in the clause that gives the obstetric history.
                    let opening =
                        obstetric && index >= 2 && words[index - 2] == "at"
                        && words[..<index].contains(where: isGravidity)
                    if days || stated || opening { return weeks }
                }
            }
        }
        return nil
    }

    /// Weeks of gestation said in the assessment (`at 29 weeks gestation`, `34 weeks`).
    static func gestationWeeks(_ clauses: [[String]]) -> Int? {
        for words in clauses {
            for (index, word) in words.enumerated()
            where (word == "weeks" || word == "wks" || word == "week") && index > 0 {
                if let weeks = Int(words[index - 1]), (1...45).contains(weeks) { return weeks }
            }
        }
        return nil
    }

    /// `gravida 2`, `g2`, `g2p1`, `g3p2002`, `primigravida`, `multigravida` (not `g6pd`).
    static func isGravidity(_ word: String) -> Bool {
        if word.hasSuffix("gravida") { return true }
        guard word.hasPrefix("g") else { return false }
        let count = word.dropFirst().prefix { $0.isNumber }
        let rest = word.dropFirst(1 + count.count)
        return !count.isEmpty && (rest.isEmpty || rest.hasPrefix("p") && rest.dropFirst().allSatisfy(\.isNumber))
    }

    /// Whether the visit says this is the first pregnancy (true), a later one (false), or neither (nil).
    static func firstPregnancy(_ visit: [VisitSentence]) -> Bool? {
        for sentence in visit {
            for words in sentence.clauses {
                for (index, word) in words.enumerated() {
                    if word == "primigravida" { return true }
                    if word == "multigravida" || word == "multiparous" { return false }
                    var count: Int?
                    if word == "gravida", index + 1 < words.count {
                        count = Int(words[index + 1])
                    } else if isGravidity(word), word.count >= 2 {
                        count = Int(String(word.dropFirst().prefix { $0.isNumber }))
                    }
                    if let count, count >= 1 { return count == 1 }
                }
            }
        }
        return nil
    }

    /// The trimester of a pregnancy at `weeks` weeks.
    static func trimester(weeks: Int) -> Int {
        weeks < 14 ? 1 : weeks < 28 ? 2 : 3
    }

    /// The chapter 15 subcategory for a condition the pregnant patient has (guideline I.C.15.a.1: a condition in
    /// pregnancy complicates it unless the provider says otherwise), by the condition's category; nil for the
    /// conditions with their own pregnancy codes (diabetes O24, hypertension O10-O16) and those outside the list.
    static func complicatingPregnancy(_ category: String) -> String? {
        guard let letter = category.first, let number = Int(category.dropFirst()) else { return nil }
        switch letter {
        case "D" where (50...64).contains(number): return "O99.01"
        case "E" where number == 66: return "O99.21"
        case "E" where !(8...13).contains(number): return "O99.28"
        case "F" where number == 10: return "O99.31"
        case "F" where number == 17: return "O99.33"
        case "F" where (11...19).contains(number): return "O99.32"
        case "F": return "O99.34"
        case "G": return "O99.35"
        case "I" where !(10...16).contains(number): return "O99.41"
        case "J": return "O99.51"
        case "K": return "O99.61"
        case "L": return "O99.71"
        default: return nil
        }
    }

    /// A coexisting condition of a pregnancy (one with an O code or a prenatal visit) with its chapter 15 code
    /// before it, the trimester by the weeks; the normal-pregnancy visit code then gives way (I.C.15.b.1).
    func withPregnancyComplications(_ candidates: inout [Candidate], weeks: Int?) {
        var added = false
        var index = 0
        while index < candidates.count {
            let condition = candidates[index]
            guard !condition.traits.contains(.status),
                let subcategory = Self.complicatingPregnancy(condition.code.category),
                let parent = codeSet.code(subcategory)
            else {
                index += 1
                continue
            }
            let wanted = weeks.map { ["first", "second", "third"][Self.trimester(weeks: $0) - 1] } ?? "unspecified"
            guard
                let code = parent.children.first(where: {
                    $0.title.lowercased().hasSuffix("pregnancy, " + wanted + " trimester")
                }),
                !candidates.contains(where: { $0.code == code })
            else {
                index += 1
                continue
            }
            var complication = condition
            complication.code = code
            complication.reason = "\(condition.code.code) in pregnancy: \(code.title.lowercased())"
            candidates.insert(complication, at: index)
            added = true
            index += 2
        }
        if added { candidates.removeAll { $0.code.category == "Z34" } }
    }

    /// Sets the trimester of pregnancy codes coded `unspecified trimester` (or Z34's by the weeks), first or later
    /// pregnancy on Z34, and adds the weeks of gestation (Z3A) beside an O or Z34 code.
    func withGestation(_ candidates: inout [Candidate], visit: [VisitSentence], planWords: [[String]]) {
        let pregnancy = candidates.contains { $0.code.compactCode.hasPrefix("O") || $0.code.category == "Z34" }
        guard pregnancy else { return }
        let weeks = Self.currentGestationWeeks(visit)
        // Weeks said only in the assessment and plan may be a time to come (`see you in six weeks`): they give the
        // Z3A beside a complication, as before, but no trimester and nothing beside Z34.
        let complicated = candidates.contains { $0.code.compactCode.hasPrefix("O") }
        if let weeks = weeks ?? (complicated ? Self.gestationWeeks(planWords) : nil) {
            let code = weeks < 8 ? "Z3A.01" : weeks > 42 ? "Z3A.49" : "Z3A.\(weeks < 10 ? "0" : "")\(weeks)"
            if let index = candidates.firstIndex(where: { $0.code.category == "Z3A" }) {
                if candidates[index].code.code != code, let stated = codeSet.code(code), stated.isBillable {
                    candidates[index].code = stated
                    candidates[index].reason = "weeks of gestation today: \(weeks)"
                }
            } else {
                append(code, to: &candidates, reason: "weeks of gestation: \(weeks)")
            }
        }
        withPregnancyComplications(&candidates, weeks: weeks)
        let first = Self.firstPregnancy(visit)
        for index in candidates.indices {
            let code = candidates[index].code
            guard code.compactCode.hasPrefix("O") || code.category == "Z34", let parent = code.parent else { continue }
            var wanted = code
            if code.category == "Z34", let first {
                // Z34.0 first pregnancy, Z34.8 other normal pregnancy; Z34.9 unspecified.
                let group = first ? "Z34.0" : "Z34.8"
                if !code.code.hasPrefix(group), let replacement = codeSet.code(group + String(code.code.suffix(1))) {
                    wanted = replacement
                }
            }
            if let weeks {
                let ordinal = ["first", "second", "third"][Self.trimester(weeks: weeks) - 1]
                let title = wanted.title.lowercased()
                if title.hasSuffix("unspecified trimester") || title.hasSuffix("first trimester")
                    || title.hasSuffix("second trimester") || title.hasSuffix("third trimester"),
                    let comma = title.lastIndex(of: ","),
                    let sibling = (wanted.parent ?? parent).children.first(where: {
                        $0.title.lowercased() == title[..<comma] + ", " + ordinal + " trimester"
                    })
                {
                    wanted = sibling
                }
            }
            guard wanted != code, !candidates.contains(where: { $0.code == wanted }) else { continue }
            candidates[index].code = wanted
            candidates[index].reason += "; the pregnancy as the visit states it (\(wanted.code))"
        }
    }
}
