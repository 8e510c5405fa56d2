import EncounterModel
import FHIR

extension FHIRServerDestination {
    /// Why a note's patient could not be linked to a Patient on the server: the outbox outcome (a dead letter, or a
    /// retry when the search itself failed for a while) and a short kind for the log. Neither holds patient data.
    struct PatientMatchFailure: Error, Sendable {
        /// `incomplete`, `no-match`, `ambiguous` or `search-failed`.
        var kind: String
        var outcome: DeliveryOutcome
    }

    /// The server's Patient for a patient with no identifier (see ``PatientMatch``): a search by family name, given
    /// name and birth date (`GET Patient?family=&given=&birthdate=`) and exactly one exact hit; otherwise a dead letter
    /// whose reason says why, never a guess.
    func matchPatient(_ patient: Encounter.Patient) async -> Result<String, PatientMatchFailure> {
        let notLinked = "the note is not linked to a guessed patient"
        let wanted: PatientMatch.Demographics
        switch PatientMatch.demographics(of: patient) {
        case .success(let demographics): wanted = demographics
        case .failure(let missing):
            return .failure(
                PatientMatchFailure(
                    kind: "incomplete",
                    outcome: .dead(
                        reason:
                            "the encounter's patient has no identifier, and no \(missing.names.joined(separator: ", ")) "
                            + "to match a Patient on the FHIR server by; \(notLinked)")))
        }
        let searchset: JSONValue
        switch await read("Patient?" + wanted.query) {
        case .resource(let bundle) where bundle["resourceType"]?.string == "Bundle":
            searchset = bundle
        case .resource:
            return .failure(
                PatientMatchFailure(
                    kind: "search-failed",
                    outcome: .dead(reason: "the FHIR server answered the Patient search with another resource")))
        case .failed(let reason, let retryable):
            let text = "the Patient search failed: \(reason)"
            return .failure(
                PatientMatchFailure(
                    kind: "search-failed", outcome: retryable ? .retry(reason: text) : .dead(reason: text)))
        }
        switch PatientMatch.decide(searchset: searchset, for: wanted) {
        case .matched(let reference):
            return .success(reference)
        case .noMatch:
            return .failure(
                PatientMatchFailure(
                    kind: "no-match",
                    outcome: .dead(
                        reason:
                            "the encounter's patient has no identifier and no Patient on the FHIR server matches its "
                            + "family name, given name and birth date; \(notLinked)")))
        case .ambiguous(let count):
            return .failure(
                PatientMatchFailure(
                    kind: "ambiguous",
                    outcome: .dead(
                        reason:
                            "the encounter's patient has no identifier and \(count) Patients on the FHIR server match its "
                            + "family name, given name and birth date; \(notLinked)")))
        }
    }
}
