import Foundation
@testable import Scribe
import TestSupport
import Testing

/// The notes of the development dialogues (ACI-Bench train and valid, in `../shared/eval`, CC BY 4.0) read as a
/// clinician writes: few spoken fillers and hedges, first and second person no more often than in clinicians'
/// own notes, no ellipses or questions, and every statement backed by what its evidence says.
@Suite("Clinical style of the development notes")
struct NoteStyleTests {
    static let evalDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/eval/aci-bench")

    /// The transcripts of a split, or nil (a recorded failure under CI, where the corpus must be there).
    static func transcripts(_ split: String) throws -> [String]? {
        let url = evalDirectory.appendingPathComponent("\(split).jsonl")
        guard FileManager.default.fileExists(atPath: url.path) else {
            if TestEnvironment.isCI {
                Issue.record("the development corpus \(url.path) is missing")
            }
            return nil
        }
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["transcript"] as? String
        }
    }

    /// Each split's transcripts with their notes, written once for both tests.
    static let notes: [String: [(transcript: String, note: Note)]] = {
        var notes: [String: [(transcript: String, note: Note)]] = [:]
        for split in ["train", "valid"] {
            guard let transcripts = try? transcripts(split) else { continue }
            notes[split] = transcripts.compactMap { transcript in
                (try? NoteWriter().note(transcript: transcript)).map { (transcript, $0) }
            }
        }
        return notes
    }()

    static func count(_ pattern: String, in text: String) throws -> Int {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }

    static let fillers = #"\b(um+|uh+|okay|alright|you know|kind of|sort of|yeah|gonna|wanna|really|just|actually|basically)\b"#
    static let persons = #"\b(i|i'm|i've|i'd|i'll|me|my|we|we're|we'll|let's|us|our|you|you're|your|you've)\b"#

    @Test("fillers at most 0.15 and first or second person at most 1.6 per 100 words; no ellipsis, no question",
          arguments: ["train", "valid"])
    func style(split: String) throws {
        guard try Self.transcripts(split) != nil, let written = Self.notes[split] else { return }
        #expect(written.count > 10)
        var words = 0
        var fillers = 0
        var persons = 0
        for (_, note) in written {
            let text = [note.subjective, note.objective, note.assessment, note.plan].joined(separator: "\n")
            #expect(!text.contains("..."))
            #expect(!text.contains("?"))
            let lowered = text.lowercased()
            words += try Self.count(#"[a-z']+"#, in: lowered)
            fillers += try Self.count(Self.fillers, in: lowered)
            persons += try Self.count(Self.persons, in: lowered)
        }
        let per100 = { (count: Int) in 100 * Double(count) / Double(max(words, 1)) }
        #expect(per100(fillers) <= 0.15, "fillers per 100 words: \(per100(fillers))")
        #expect(per100(persons) <= 1.6, "first and second person per 100 words: \(per100(persons))")
    }

    @Test("every sentence statement's content words are found in its evidence spans", arguments: ["train", "valid"])
    func evidenceHoldsContent(split: String) throws {
        guard try Self.transcripts(split) != nil, let written = Self.notes[split] else { return }
        var checked = 0
        for (transcript, note) in written {
            let scalars = Array(transcript.unicodeScalars)
            for statement in note.statements {
                #expect(!statement.evidence.isEmpty)
                #expect(statement.evidence.allSatisfy { !$0.isEmpty && $0.lowerBound >= 0 && $0.upperBound <= scalars.count })
                let evidence = statement.evidence.map { range in
                    String(String.UnicodeScalarView(scalars[range.clamped(to: 0..<scalars.count)])).lowercased()
                }.joined(separator: " ")
                let missing = EvidenceOracle.unsupportedWords(of: statement.text, in: evidence)
                if statement.origin == .sentence {
                    #expect(missing.isEmpty, "\(statement.text): \(missing)")
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
    }
}

/// Whether a statement says what its evidence says: each content word of the statement (not a function word,
/// a pronoun, a number or a word of the note's own framing) occurs in the evidence, allowing for inflection
/// (`feel`/`feels`) by a shared stem of five letters.
enum EvidenceOracle {
    static func unsupportedWords(of statement: String, in evidence: String) -> [String] {
        // Speech recognition writes contractions apart (`do n't`).
        let evidence = evidence.replacingOccurrences(of: " n't", with: "n't")
        var evidenceWords = Set(words(evidence))
        // The note writes contractions out (`can't` → `cannot`, `we'll` → `we will`).
        for word in evidenceWords where word.contains("'") {
            evidenceWords.formUnion((ClinicalStyle.expandedContraction(word, next: "") ?? []).map { $0.lowercased() })
        }
        let negated = evidenceWords.contains("not") || evidenceWords.contains { $0.hasSuffix("n't") }
        return words(statement.lowercased()).filter { word in
            guard !noteVocabulary.contains(word), word.first?.isNumber == false, word.count > 2 else { return false }
            if evidenceWords.contains(word) || evidence.contains(word) { return false }
            // An amount the note writes for a spoken `a little (bit)` (`some fluid`, `slightly high`).
            if ["some", "slightly"].contains(word), evidenceWords.contains("little") { return false }
            // A negation the note writes in the third person (`doesn't` for `don't`).
            if word.hasSuffix("n't"), negated { return false }
            // A verb made to agree (`goes`, `tries`).
            var forms = [String(word.dropLast()), String(word.dropLast(2))]
            if word.hasSuffix("ies") { forms.append(String(word.dropLast(3)) + "y") }
            if word.hasSuffix("s"), forms.contains(where: { evidenceWords.contains($0) }) { return false }
            let stem = String(word.prefix(min(5, word.count - 1)))
            if evidenceWords.contains(where: { $0.hasPrefix(stem) }) { return false }
            // A problem's canonical name for a synonym the evidence says (`hypertension` for `high blood pressure`).
            return !canonicalProblems.contains { canonical, synonyms in
                canonical.contains(word) && synonyms.contains { evidence.contains($0) }
            }
        }
    }

    /// The problem lexicon's lines: canonical name and synonyms.
    static let canonicalProblems: [(String, [String])] = ClinicalLexicon.problems.map { line in
        let names = line.split(separator: "|").map(String.init)
        return (names.first ?? "", names)
    }

    static func words(_ text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber || $0 == "'") }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
    }

    /// Words the note writes itself: pronouns for the patient, the words that replace spoken framing, units,
    /// section and sub-section words.
    static let noteVocabulary: Set<String> = [
        "the", "patient", "she", "he", "her", "his", "him", "they", "them", "their", "themselves", "herself",
        "himself", "has", "have", "had", "does", "doesn't", "hasn't", "is", "was", "feels", "gets", "takes", "wants",
        "obtain", "recommend", "return", "follow", "advised", "start", "reviewed", "discussed", "performed",
        "obtained", "clinic", "provider", "impression", "assessment", "diagnosis", "unlikely", "and", "for", "with", "not", "are", "were", "going", "want", "into", "that", "this",
        "owner", "client", "would", "will", "theirs", "supporting", "findings", "history", "presents", "evaluation",
        "year", "old", "mg", "mcg", "cm", "mm", "ml", "kg", "going", "to", "sent", "gave", "no", "all",
        "cardiovascular", "respiratory", "gastrointestinal", "neurological", "musculoskeletal", "extremities", "skin",
        "neck", "head", "eyes", "ears", "throat", "heent", "psychiatric", "chest", "vascular", "constitutional",
        // The assessment and plan's care labels.
        "medical", "reasoning", "treatment", "additional", "testing", "education", "counseling",
        // The history's attribution of what the patient tells.
        "reports",
    ]
}
