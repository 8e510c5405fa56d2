/// The diagnosis a clinician states in words (`i think you have probably an acute medial meniscus sprain right
/// now`, `you have what we call a mcl strain`, `this is consistent with plantar fasciitis`), written as an
/// assessment line (`Acute medial meniscus sprain.`) even when the sentence around it is not kept: the
/// clinician's stated diagnoses are always in the assessment.
enum StatedDiagnosis {
    /// Words that introduce a diagnosis.
    static let cues: [[String]] = [
        ["i", "think", "you", "have"], ["i", "think", "you've", "got"], ["i", "think", "this", "is"],
        ["i", "think", "it's"], ["you", "have", "what", "we", "call"], ["what", "we", "call"],
        ["consistent", "with"], ["diagnosis", "is"], ["diagnose", "you", "with"], ["diagnosed", "you", "with"],
        ["looks", "like", "you", "have"], ["sounds", "like", "you", "have"], ["most", "likely"],
        ["suspect", "you", "have"], ["you", "likely", "have"], ["you", "probably", "have"],
        // Naming what was found (`it's called an innocent murmur`).
        ["it's", "called"], ["it", "is", "called"], ["this", "is", "called"], ["that's", "called"],
    ]
    /// The cues by their first word, each list in the order of `cues` (one lookup per word instead of a comparison
    /// with every cue).
    static let cuesByFirstWord = WordTable(Dictionary(grouping: cues) { $0.first ?? "" })
    /// Words between the cue and the diagnosis that say nothing of it.
    static let leadIns: Set<String> = [
        "a", "an", "the", "some", "probably", "likely", "possibly", "what", "we", "call", "is", "called", "of",
        "kind", "sort", "little", "bit", "mild", "just",
    ]
    /// Words that end the diagnosis phrase.
    static let ends: Set<String> = [
        "and", "that", "which", "who", "so", "since", "today", "for", "but", "because", "as", "is", "was", "to",
        "from", "in", "on", "at", "after", "when", "right", "now", "or", "with", "if", "like", "um", "uh", "okay",
        "it", "it's", "there", "your", "you", "my", "his", "her", "their", "i", "we", "he", "she", "they", "of",
        "here", "at", "this", "point", "going", "caused", "due",
    ]
    /// Words a diagnosis ends with.
    static let diagnosisNouns: Set<String> = [
        "sprain", "strain", "fracture", "infection", "disease", "syndrome", "disorder", "deficiency", "failure",
        "tear", "stone", "stones", "injury", "pneumonia", "bronchitis", "sinusitis", "tendonitis", "tendinitis",
        "arthritis", "fasciitis", "dermatitis", "cellulitis", "gout", "anemia", "hypertension", "diabetes",
        "asthma", "reflux", "migraine", "migraines", "depression", "anxiety", "nephrolithiasis", "concussion",
        "contusion", "bursitis", "neuropathy", "radiculopathy", "pneumonitis", "colitis", "gastritis", "ulcer",
        "dislocation", "effusion", "hernia", "cyst", "lesion", "virus", "flu", "covid", "copd", "chf", "afib",
        "murmur",
    ]

    /// The stated diagnoses: text and evidence, once each, from clinician sentences.
    static func diagnoses(in transcript: Transcript, tokens: [[Token]]) -> [(text: String, evidence: Range<Int>)] {
        var found: [(text: String, evidence: Range<Int>)] = []
        for (sentence, words) in zip(transcript.sentences, tokens)
        where sentence.speaker == .clinician || sentence.speaker == .narrator {
            let keys = words.map(\.text)
            for index in keys.indices {
                guard let candidates = cuesByFirstWord[keys[index]],
                    let cue = candidates.first(where: { keys[index...].starts(with: $0) })
                else { continue }
                var start = index + cue.count
                while start < keys.count, leadIns.contains(keys[start]) { start += 1 }
                var end = start
                while end < keys.count, end - start < 6, words[end].kind == .word, !ends.contains(keys[end]) {
                    end += 1
                }
                // The phrase up to its last diagnosis word (`acute medial meniscus sprain`).
                guard
                    let last = keys[start..<end].lastIndex(where: {
                        diagnosisNouns.contains($0) || $0.hasSuffix("itis")
                    })
                else { continue }
                let phrase = keys[start...last].joined(separator: " ")
                guard !found.contains(where: { $0.text.lowercased() == phrase.lowercased() + "." }) else { continue }
                found.append((Phrasing.capitalized(phrase) + ".", EntityExtractor.span(words, start, last)))
            }
        }
        return found
    }
}
