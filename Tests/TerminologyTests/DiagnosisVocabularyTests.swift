import Testing

@testable import Terminology

/// The diagnosis vocabulary read straight from the code set against the one the full index numbers.
@Suite("Diagnosis vocabulary without the index")
struct DiagnosisVocabularyTests {
    @Test("the vocabulary read from the sources is the one the index numbers, word for word")
    func sameWords() {
        let direct = DiagnosisIndex.vocabularyWords(of: .shared)
        let indexed = Set(DiagnosisIndex(codeSet: .shared).vocabulary.words)
        let missing = indexed.subtracting(direct)
        let extra = direct.subtracting(indexed)
        #expect(missing.isEmpty, "\(missing.sorted().prefix(40))")
        #expect(extra.isEmpty, "\(extra.sorted().prefix(40))")
    }
}
