import Testing

@testable import Coding
@testable import Scribe

/// The coder reads conditions with the note writer's engine (`ConditionContext`): a hedged impression is coded as
/// the clinician's diagnosis, a doubt and findings a diagnosis is only consistent with are coded by their symptoms,
/// a denial and a relative's condition are not coded. The visits are written for this project.
@Suite("Billing codes through the shared negation and context engine")
struct SharedContextCodingTests {
    @Test("`I think you have` codes the condition; `possible` and `consistent with` code the symptom")
    func hedgeAndDoubt() throws {
        let hedged = try dialogueICD10(
            """
            [doctor] so you've had this cough for ten days now and you're bringing up yellow sputum .
            [patient] yes , and it keeps me up at night .
            [doctor] your lungs have a few scattered rhonchi but no crackles . i think you have acute bronchitis .
            [doctor] rest , fluids , and honey for the cough .
            """)
        #expect(hedged.contains("J20.9"), "\(hedged)")
        let doubted = try dialogueICD10(
            """
            [doctor] so you've had this cough for ten days now and you're bringing up yellow sputum .
            [patient] yes , and it keeps me up at night .
            [doctor] your lungs have some crackles on the right . this is possible pneumonia , so we'll get a chest x-ray .
            """)
        #expect(!doubted.contains { $0.hasPrefix("J18") }, "\(doubted)")
        #expect(doubted.contains { $0.hasPrefix("R05") }, "\(doubted)")
    }

    @Test("a denied condition and a relative's are not coded, read as the note writer reads them")
    func deniedAndRelative() throws {
        let transcript = """
            [doctor] you're here for your blood pressure check . any chest pain or shortness of breath ?
            [patient] no chest pain , no shortness of breath . my father had a stroke at sixty though .
            [doctor] your blood pressure is 128 over 78 today . your hypertension is well controlled , so continue
            the lisinopril 10 milligrams daily .
            """
        let codes = try dialogueICD10(transcript)
        #expect(codes.contains("I10"), "\(codes)")
        #expect(!codes.contains { $0.hasPrefix("R07") || $0.hasPrefix("R06") || $0.hasPrefix("I63") }, "\(codes)")
        let entities = EntityExtractor().entities(in: try Transcript(transcript))
        #expect(!entities.contains { $0.kind == .problem && $0.name == "chest pain" && !$0.negated })
        #expect(!entities.contains { $0.kind == .problem && $0.name == "stroke" && $0.context != .family })
    }
}
