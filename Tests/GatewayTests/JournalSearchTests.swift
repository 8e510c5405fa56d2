import Foundation
import Store
import Testing

@testable import Gateway

/// The journal search of the console's Messages page and `notebridge journal list`, and the settings page's
/// redaction.
@Suite struct JournalSearchTests {
    static func entry(
        id: Int64 = 1, controlID: String? = "CTRL-1", sender: String = "DICTATE|NORTH",
        type: String? = "MDM^T02^MDM_T02",
        state: JournalState = .processed, receivedAt: Date = Date(timeIntervalSince1970: 1_800_000_000),
        reuses: Int64? = nil
    ) -> JournalEntry {
        JournalEntry(
            id: id, source: "mllp://127.0.0.1:1", sender: sender, controlID: controlID, messageType: type,
            version: "2.5.1", receivedAt: receivedAt, state: state, body: [], acknowledgment: [],
            acknowledgmentCode: "AA", keyID: "k", duplicateCount: 0, updatedAt: receivedAt, reusesControlIDOf: reuses)
    }

    @Test func everyFilterGivenMustMatch() {
        let entry = Self.entry()
        #expect(JournalSearch().matches(entry))
        #expect(JournalSearch(controlID: "CTRL-1").matches(entry))
        #expect(!JournalSearch(controlID: "CTRL").matches(entry))
        #expect(JournalSearch(sender: "north").matches(entry))
        #expect(!JournalSearch(sender: "south").matches(entry))
        #expect(JournalSearch(state: .processed).matches(entry))
        #expect(!JournalSearch(state: .failed).matches(entry))
        #expect(!JournalSearch(flag: .reusedControlID).matches(entry))
        #expect(JournalSearch(flag: .reusedControlID).matches(Self.entry(reuses: 3)))
        #expect(!JournalSearch(controlID: "CTRL-1", state: .failed).matches(entry))
        #expect(!JournalSearch(controlID: "CTRL-1").matches(Self.entry(controlID: nil)))
    }

    @Test(arguments: [
        ("MDM", true), ("mdm^t02", true), ("MDM^T02^MDM_T02", true), ("MDM^T01", false), ("ADT", false), ("MD", false),
    ])
    func theTypeMatchesByMessageCodeOrEvent(type: String, matches: Bool) {
        #expect(JournalSearch(messageType: type).matches(Self.entry()) == matches)
    }

    @Test func theDatesBoundTheReceivedTime() {
        let received = Date(timeIntervalSince1970: 1_800_000_000)
        let entry = Self.entry(receivedAt: received)
        #expect(JournalSearch(receivedFrom: received).matches(entry))
        #expect(!JournalSearch(receivedFrom: received.addingTimeInterval(1)).matches(entry))
        #expect(JournalSearch(receivedBefore: received.addingTimeInterval(1)).matches(entry))
        #expect(!JournalSearch(receivedBefore: received).matches(entry))
    }

    @Test(arguments: [
        ("https://user:secret@ehr.example/fhir?token=abc#x", "https://<redacted>@ehr.example/fhir?<redacted>"),
        ("https://ehr.example/fhir", "https://ehr.example/fhir"), ("not a url", "<redacted>"),
    ])
    func settingsRedactURLCredentials(url: String, shown: String) {
        #expect(SettingsView.redactedURL(url) == shown)
    }

    @Test func settingsShowTheEffectiveConfigurationWithoutSecrets() {
        var configuration = GatewayConfiguration()
        configuration.api.callbackURL = "https://hooks.example/in?key=s3cr3t"
        let rows = SettingsView(configuration).groups.flatMap(\.rows)
        #expect(rows.contains { $0.key == "http.port" && $0.value == "8080" })
        #expect(rows.contains { $0.key == "api.callbackUrl" && $0.value == "https://hooks.example/in?<redacted>" })
        #expect(!rows.contains { $0.value.contains("s3cr3t") })
    }
}
