import Testing

@testable import Coding
@testable import Scribe

/// A substance use disorder by its stated severity and remission (ICD-10-CM index: Use, disorder, mild → abuse;
/// moderate or severe → dependence). The visits are written for this project.
@Suite("Billing codes: substance use disorders by severity and remission")
struct UseDisorderCodingTests {
    func visit(_ assessment: String) -> String {
        """
        [doctor] good to see you again . how have things been with the drinking and everything since last time ?
        [patient] better . i go to my meetings twice a week and i haven't had a drink in four months .
        [doctor] that's great work . your blood pressure today is 124 over 78 and your liver tests came back normal .
        [doctor] so for my assessment , \(assessment) we will keep going with the meetings and see you in three months .
        """
    }

    @Test(
        "severity and remission choose the subcategory",
        arguments: [
            ("you have an alcohol use disorder , mild , in early remission .", "F10.11"),
            ("you have a severe alcohol use disorder , in sustained remission .", "F10.21"),
            ("you have a moderate alcohol use disorder .", "F10.20"),
            ("you have a mild alcohol use disorder .", "F10.10"),
        ])
    func severity(assessment: String, code: String) throws {
        let codes = try dialogueICD10(visit(assessment))
        #expect(codes.contains(code), "\(codes)")
        #expect(codes.filter { $0.hasPrefix("F10") }.count == 1, "\(codes)")
    }

    @Test("a disorder said not to be in remission is not coded as in remission")
    func notInRemission() throws {
        let codes = try dialogueICD10(
            visit("you have a severe alcohol use disorder and you are not in remission yet ."))
        #expect(codes.contains("F10.20"), "\(codes)")
        #expect(!codes.contains("F10.21"), "\(codes)")
    }
}
