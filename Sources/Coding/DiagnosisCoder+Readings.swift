import Scribe
import Terminology

/// Readings taken at the visit that are findings in their own right. An adult's blood pressure measured at 140
/// systolic or 90 diastolic or more, in a visit that diagnoses no hypertension, is R03.0 (`Elevated blood-pressure
/// reading, without diagnosis of hypertension`): the abnormal finding of a visit, coded when no diagnosis accounts
/// for it (guideline I.B.4–5), which also makes a preventive examination one `with abnormal findings`.
extension DiagnosisCoder {
    /// Systolic and diastolic pressures (mm Hg) from which a reading is elevated for this rule: the stage-2 threshold,
    /// so that a borderline reading the clinician lets pass is not coded.
    static let elevatedSystolic = 140.0
    static let elevatedDiastolic = 90.0

    /// Words that make a pressure said with its trigger a goal or threshold (`if it stays above 130 over 80`, `we want
    /// it under 140 over 90`), not a reading.
    static let thresholdWords: Set<String> = [
        "above", "below", "under", "less", "greater", "goal", "target", "keep", "stays", "stay", "if", "than", "want",
        "should", "normal", "ideally", "aim",
    ]

    /// The hypertensive diseases (I10–I1A): a reading with one of them belongs to it.
    static let hypertensiveCategories = ["I10", "I11", "I12", "I13", "I15", "I16", "I1A"]

    static func isHypertensive(_ code: ICD10Code) -> Bool {
        hypertensiveCategories.contains(code.category)
    }

    /// R03.0 for the first elevated blood-pressure reading among the note's vital signs, when neither the candidates
    /// nor any sentence of the visit has hypertension (a relative's, a doubted or a denied one aside), and the
    /// patient is not a child (a child's pressure is judged by percentile, not by these figures).
    func elevatedReading(
        note: Note, visit: [VisitSentence], coded: [Candidate], childAge: Bool, order: Int, memo: MentionMemo
    ) -> Candidate? {
        guard !childAge, !coded.contains(where: { Self.isHypertensive($0.code) || $0.code.compactCode == "R030" })
        else { return nil }
        let reading = note.entities.first { entity in
            guard entity.kind == .vitalSign, entity.name == "blood_pressure", !entity.negated, entity.context == nil,
                let value = entity.value
            else { return false }
            let pressures = value.split(separator: "/").compactMap { Double($0) }
            guard pressures.count == 2 else { return false }
            let words = Self.clauses(of: entity.text).joined()
            guard !words.contains(where: Self.thresholdWords.contains) else { return false }
            return pressures[0] >= Self.elevatedSystolic || pressures[1] >= Self.elevatedDiastolic
        }
        guard let reading, let value = reading.value, let code = codeSet.code("R03.0") else { return nil }
        for sentence in visit {
            for words in sentence.clauses {
                let affirmed = memo.mentions(in: words).contains { mention in
                    Self.isHypertensive(mention.target.code) && !mention.negated && !mention.uncertain
                        && !mention.hypothetical && !mention.family
                }
                if affirmed { return nil }
            }
        }
        return Candidate(
            code: code, confidence: 0.7,
            reason: "elevated blood-pressure reading at the visit (\(value) mm Hg), hypertension not diagnosed",
            evidence: [CodeEvidence(section: .objective, statement: reading.text, ranges: reading.evidence)],
            order: order, traits: [])
    }
}
