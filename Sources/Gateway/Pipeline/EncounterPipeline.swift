import Coding
import Delivery
import EncounterModel
import Foundation
import HL7v2
import Logging
import Mapping
import Scribe
import Store
import Transcription

/// Turns one accepted journal entry into a note and its outbox rows: HL7 v2 message → `Encounter` (no JSON on the
/// way) → the note engine and the coder → a `NoteRecord` sealed in the store, committed in one transaction with one
/// outbox row per destination and the entry's move to `processed`. A message the mapping cannot use is marked
/// `failed` with a reason that names fields, never content.
struct EncounterPipeline: Sendable {
    /// What became of one entry.
    enum Outcome: Sendable, Equatable {
        /// A note was written and queued; its id.
        case processed(String)
        /// The entry cannot become a note: marked failed with this reason.
        case failed(String)
        /// Already processed (a concurrent or earlier pass wrote its note).
        case alreadyProcessed
        /// An ADT message whose visit context was kept for later transcript messages.
        case contextKept
        /// The store failed; the entry stays accepted and is tried again on a later pass.
        case deferred
        /// The entry's recording is being transcribed by its audio job: it stays accepted, and so do the later
        /// entries of its patient, until a later pass finds the transcript.
        case awaitingRecording
    }

    let journal: any Journal
    let outbox: any Outbox
    let reader: HL7EncounterReader
    let limits: HL7ParserLimits
    let destinations: [String]
    let noteRetention: Duration
    let digester: PatientKeyDigester
    let mapping: NoteFHIRMapping
    let logger: Logger
    let writer = EncounterNoteWriter()
    /// Where enhanced-mode application acknowledgments go (an MLLP destination sending `ACK`), when MSH-15/16 of
    /// a message ask for one; `nil` sends none.
    var acknowledgmentDestination: String? = nil
    /// The configured routes; when empty, every message is read with ``reader`` and its note goes to
    /// ``destinations``.
    var routes: [RouteConfiguration] = []
    /// The message types a route without its own takes.
    var defaultMessageTypes: [MessageTypePattern] = []
    /// The destinations of each Subscription notification route, by name.
    var subscriptions: [String: [String]] = [:]
    /// How the recording of an ED observation is decoded and transcribed (the gateway's `audio.*` settings, the
    /// same as `/v1/note/audio`'s); `nil` refuses recordings.
    var audio: AudioConfiguration? = nil
    /// Bounds the recordings the pipeline transcribes at once (``AudioConfiguration/concurrentTranscriptions``).
    var transcriptions: TranscriptionGate? = nil
    /// Counts what became of the recordings it transcribes, when given.
    var metrics: GatewayMetrics? = nil
    /// Where the recordings of ED observations are transcribed as durable audio jobs; `nil` transcribes them in the
    /// pass that prepares their entry (tests, and the CLI).
    var recordingJobs: PipelineRecordingJobs? = nil

    /// How one message is handled: its reader, its note's destinations, its acknowledgment destination.
    struct Handling: Sendable {
        var reader: HL7EncounterReader
        var destinations: [String]
        var acknowledgmentDestination: String?
        var route: String?
    }

    /// The handling of a message with `header`: its route's, or the pipeline's own when no route is configured;
    /// `nil` when routes are configured and none matches.
    func handling(of header: HL7ReceivedHeader?) -> Handling? {
        guard !routes.isEmpty else {
            return Handling(
                reader: reader, destinations: destinations, acknowledgmentDestination: acknowledgmentDestination)
        }
        guard let header,
            let route = RouteConfiguration.route(
                for: header, listener: "mllp", in: routes, defaultTypes: defaultMessageTypes)
        else { return nil }
        return Handling(
            reader: HL7EncounterReader(configuration: route.mapping), destinations: route.destinations,
            acknowledgmentDestination: route.acknowledgmentDestination, route: route.name)
    }

    /// The name of the route that takes `entry`, as ``handling(of:)`` and ``readNotification(_:)`` choose it: an
    /// HL7 v2 route, or the Subscription route of a notification; `nil` when no route is configured or none takes
    /// it. The `route` label of its count.
    func routeName(of entry: JournalEntry) -> String? {
        if entry.messageType == SubscriptionHookRoutes.messageType {
            let route = Self.subscriptionRoute(of: entry)
            return subscriptions[route] == nil ? nil : route
        }
        return RouteConfiguration.routeName(
            for: HL7ReceivedHeader(probing: entry.body), listener: "mllp", in: routes,
            defaultTypes: defaultMessageTypes)
    }

    /// The Subscription route a notification was journaled for (its sender is `subscription|<route>`).
    static func subscriptionRoute(of entry: JournalEntry) -> String {
        entry.sender.hasPrefix("subscription|") ? String(entry.sender.dropFirst("subscription|".count)) : ""
    }

    /// Where ADT visit contexts are kept; `nil` keeps none.
    var contexts: (any EncounterContexts)? = nil

    /// The ADT events whose patient and visit are kept for later transcript messages.
    static let contextEvents: Set<String> = ["A01", "A04", "A08"]

    /// The key of a visit's context: a keyed digest of the patient's first identifier and the visit number.
    func contextKey(patient: Encounter.Patient, visitNumber: String) -> String? {
        guard !visitNumber.isEmpty, let primary = patient.primaryIdentifier else { return nil }
        return digester.patientKey(
            identifier: visitNumber, authority: "visit|\(primary.assigningAuthority)|\(primary.value)")
    }

    /// Keeps what an ADT^A01/A04/A08 says about the visit (sealed, with the notes' retention) and marks the entry
    /// processed.
    func keepContext(
        _ entry: JournalEntry, context: HL7EncounterReader.Context?, metadata: Logger.Metadata
    ) async -> Outcome {
        var metadata = metadata
        guard let contexts, let context else {
            return await finish(entry, reason: "the ADT message cannot be parsed", metadata: metadata)
        }
        guard let key = contextKey(patient: context.patient, visitNumber: context.visit.number) else {
            return await finish(
                entry, reason: "no visit context kept: the ADT message has no patient identifier or visit number",
                metadata: metadata)
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let now = Date()
            try await contexts.keepContext(
                key: key, document: Array(try encoder.encode(context)),
                expiresAt: now.addingTimeInterval(noteRetention.timeInterval), now: now)
            try await journal.updateState(id: entry.id, to: .processed, reason: nil)
        } catch {
            metadata["nb.error"] = "\(OutboxWorker.describe(error))"
            logger.error("the visit context of an ADT message could not be kept; tried again later", metadata: metadata)
            return .deferred
        }
        logger.debug("visit context kept for later transcript messages", metadata: metadata)
        return .contextKept
    }

    /// Marks an entry failed with `reason` (an ADT message that cannot be kept).
    private func finish(_ entry: JournalEntry, reason: String, metadata: Logger.Metadata) async -> Outcome {
        var metadata = metadata
        do {
            try await journal.updateState(id: entry.id, to: .failed, reason: reason)
        } catch {
            return .deferred
        }
        metadata["nb.pipeline.reason"] = "\(reason)"
        logger.notice("ADT message not kept as a visit context; journal entry marked failed", metadata: metadata)
        return .failed(reason)
    }

    /// Fills the specialty, attending, location, patient class and hospital service of `encounter` from the context an
    /// ADT message kept for its visit, where the transcript message left them empty (or its specialty was only the
    /// default).
    func fillFromKeptContext(_ encounter: inout Encounter, specialtyIsMapped: Bool) async {
        guard let contexts, let key = contextKey(patient: encounter.patient, visitNumber: encounter.visit.number),
            let document = try? await contexts.context(key: key, now: Date()),
            let kept = try? JSONDecoder().decode(HL7EncounterReader.Context.self, from: Data(document))
        else { return }
        if !specialtyIsMapped, kept.specialtyIsMapped { encounter.specialty = kept.specialty }
        if encounter.attending == nil { encounter.attending = kept.attending }
        if encounter.author == nil { encounter.author = kept.author ?? kept.attending }
        let location = encounter.visit.location
        if location.pointOfCare.isEmpty, location.room.isEmpty, location.bed.isEmpty, location.facility.isEmpty {
            encounter.visit.location = kept.visit.location
        }
        if encounter.visit.patientClass.isEmpty { encounter.visit.patientClass = kept.visit.patientClass }
        if encounter.visit.hospitalService.isEmpty { encounter.visit.hospitalService = kept.visit.hospitalService }
        if encounter.visit.start.isEmpty { encounter.visit.start = kept.visit.start }
    }

    /// What the CPU-bound step made of one entry, before anything is recorded: the part of the work that may run for
    /// several entries at once. ``record(_:entry:)`` then records it (in journal order, by ``PipelineService``).
    enum Preparation: Sendable {
        /// A note to store, with the destinations of its outbox rows.
        case note(OutboxNote, destinations: [String], metadata: Logger.Metadata)
        /// The entry cannot become a note.
        case failure(
            PipelineFailure, header: HL7ReceivedHeader?, acknowledgmentDestination: String?, metadata: Logger.Metadata)
        /// An ADT message whose visit context is kept (`nil` when the message cannot be parsed).
        case context(HL7EncounterReader.Context?, metadata: Logger.Metadata)
        /// The pipeline's threads stopped before the work was done: nothing is recorded, the entry stays accepted.
        case stopped
        /// The entry's recording is being transcribed by its audio job; the later entries of the patient with this
        /// key (``OutboxNote/patientKey``) wait with it.
        case awaitingRecording(patientKey: String, metadata: Logger.Metadata)
    }

    /// Processes one entry and records the outcome in the store.
    func process(_ entry: JournalEntry) async -> Outcome {
        await record(await prepare(entry), entry: entry)
    }

    /// Whether `entry` may be an ADT message whose visit context is kept: such an entry is recorded before any later
    /// entry is prepared, because a later transcript message of the same visit reads the context it keeps.
    func mayKeepContext(_ entry: JournalEntry) -> Bool {
        contexts != nil && (entry.messageType ?? "ADT").hasPrefix("ADT")
    }

    /// Reads the message (parsed once), writes its note and codes and encodes the record; records nothing. The
    /// CPU-bound steps run on `threads` when given, on the calling task otherwise.
    func prepare(_ entry: JournalEntry, on threads: PipelineThreads? = nil) async -> Preparation {
        if let recordingJobs, let patientKey = await recordingJobs.stillWaiting(entry) {
            // Its recording's job still runs: not parsed (nor its recording decoded) again.
            return .awaitingRecording(
                patientKey: patientKey,
                metadata: ["nb.journal.id": "\(entry.id)", "nb.hl7.control_id": "\(entry.controlID ?? "")"])
        }
        let read: Reading
        do {
            read = try await Self.running(on: threads) { self.read(entry) }
        } catch {
            return .stopped
        }
        switch read {
        case .prepared(let preparation):
            return preparation
        case .encounter(var encounter, let specialtyIsMapped, let handling, let header, let metadata, let recording):
            let acknowledgmentDestination = handling.acknowledgmentDestination ?? self.acknowledgmentDestination
            if let recording, let recordingJobs {
                // The message was acknowledged when it was journaled: its recording is transcribed by a durable audio
                // job, and the entry (with its patient's later ones) waits for it while the others go on.
                switch await transcript(
                    of: recording, entry: entry, jobs: recordingJobs, reader: handling.reader, metadata: metadata)
                {
                case .success(let transcript):
                    encounter.transcript = transcript
                case .failure(let failure):
                    return .failure(
                        failure, header: header, acknowledgmentDestination: acknowledgmentDestination,
                        metadata: metadata)
                case nil:
                    let patientKey = Self.patientKey(encounter.patient, digester: digester)
                    recordingJobs.waiting.set(entry.id, key: patientKey)
                    return .awaitingRecording(patientKey: patientKey, metadata: metadata)
                }
            } else if let recording {
                // Without audio jobs the recording is transcribed here, by the pipeline, however long it takes, and
                // the note is recorded in journal order as any other.
                switch await transcribe(recording, reader: handling.reader, metadata: metadata) {
                case .success(let transcript):
                    encounter.transcript = transcript
                case .failure(let failure):
                    return .failure(
                        failure, header: header, acknowledgmentDestination: acknowledgmentDestination,
                        metadata: metadata)
                case nil:
                    return .stopped
                }
            }
            await fillFromKeptContext(&encounter, specialtyIsMapped: specialtyIsMapped)
            let filled = encounter
            let written = try? await Self.running(on: threads) { self.makeNote(filled) }
            switch written {
            case .success(let note):
                var targets = handling.destinations
                var metadata = metadata
                if let header, let destination = acknowledgmentDestination,
                    Self.wantsApplicationAcknowledgment(header, .applicationAccept), !targets.contains(destination)
                {
                    // The AA is rendered from the note by the acknowledgment destination: queued in the same
                    // transaction.
                    targets.append(destination)
                    metadata["nb.pipeline.application_ack"] = "AA"
                }
                metadata["nb.outbox.destinations"] = "\(handling.destinations.count)"
                return .note(note, destinations: targets, metadata: metadata)
            case .failure(let failure):
                return .failure(
                    failure, header: header, acknowledgmentDestination: acknowledgmentDestination, metadata: metadata)
            case nil:
                return .stopped
            }
        }
    }

    /// What reading an entry gave: an outcome already, or the encounter to write a note for.
    enum Reading: Sendable {
        case prepared(Preparation)
        case encounter(
            Encounter, specialtyIsMapped: Bool, handling: Handling, header: HL7ReceivedHeader?,
            metadata: Logger.Metadata, recording: HL7EncapsulatedData? = nil)
    }

    /// Parses the entry's message once and reads its header, its route and its encounter. Pure.
    func read(_ entry: JournalEntry) -> Reading {
        if entry.messageType == SubscriptionHookRoutes.messageType { return readNotification(entry) }
        var metadata: Logger.Metadata = [
            "nb.journal.id": "\(entry.id)", "nb.hl7.control_id": "\(entry.controlID ?? "")",
            "nb.hl7.message_type": "\(entry.messageType ?? "")",
        ]
        let parsed = Result { () throws(HL7ParseError) -> HL7Message in
            try HL7Message(parsing: entry.body, limits: limits)
        }
        let header: HL7ReceivedHeader?
        switch parsed {
        case .success(let message): header = HL7ReceivedHeader(message: message)
        case .failure: header = HL7ReceivedHeader(probing: entry.body)
        }
        let handling = self.handling(of: header)
        if let route = handling?.route { metadata["nb.pipeline.route"] = "\(route)" }
        let acknowledgmentDestination = handling?.acknowledgmentDestination ?? self.acknowledgmentDestination
        if let header, header.messageCode == "ADT", Self.contextEvents.contains(header.triggerEvent), contexts != nil {
            let context = try? parsed.get()
            return .prepared(
                .context(context.map { (handling?.reader ?? reader).context(from: $0) }, metadata: metadata))
        }
        func failed(_ failure: PipelineFailure) -> Reading {
            .prepared(
                .failure(
                    failure, header: header, acknowledgmentDestination: acknowledgmentDestination, metadata: metadata))
        }
        guard let handling else {
            let sender =
                header.map {
                    "\(RouteConfiguration.namespace($0.sendingApplication, $0))|\(RouteConfiguration.namespace($0.sendingFacility, $0))"
                } ?? ""
            return failed(
                PipelineFailure(
                    "no route takes this message (sender \(sender.prefix(80)), type \(entry.messageType ?? "unknown"))",
                    errorCode: .unsupportedMessageType))
        }
        let message: HL7Message
        switch parsed {
        case .success(let parsedMessage):
            message = parsedMessage
        case .failure(let error):
            return failed(
                PipelineFailure("the message cannot be parsed: \(error.code)", errorCode: error.acknowledgmentErrorCode)
            )
        }
        let reading: HL7EncounterReader.Reading
        do {
            reading = try handling.reader.reading(
                from: message, journalID: entry.id,
                maximumAudioBytes: (audio?.limits ?? TranscriptionLimits.default).maximumBytes)
        } catch {
            return failed(PipelineFailure(error.reason, errorCode: Self.errorCode(of: error)))
        }
        return .encounter(
            reading.encounter, specialtyIsMapped: handling.reader.specialtyIsMapped(in: message), handling: handling,
            header: header, metadata: metadata, recording: reading.recording)
    }

    /// The encounter a Subscription notification was journaled as (its Codable JSON), for its route's destinations.
    func readNotification(_ entry: JournalEntry) -> Reading {
        let route = Self.subscriptionRoute(of: entry)
        let metadata: Logger.Metadata = [
            "nb.journal.id": "\(entry.id)", "nb.hl7.message_type": "\(SubscriptionHookRoutes.messageType)",
            "nb.pipeline.route": "\(route)",
        ]
        func failed(_ reason: String) -> Reading {
            .prepared(
                .failure(PipelineFailure(reason), header: nil, acknowledgmentDestination: nil, metadata: metadata))
        }
        guard let destinations = subscriptions[route] else {
            return failed(
                "no subscription route takes this notification (the route was removed from the configuration)")
        }
        guard entry.body.count <= SubscriptionHookRoutes.maximumBodyBytes,
            var encounter = try? JSONDecoder().decode(Encounter.self, from: Data(entry.body))
        else {
            return failed("the journaled notification cannot be decoded")
        }
        encounter.origin.journalID = entry.id
        return .encounter(
            encounter, specialtyIsMapped: true,
            handling: Handling(
                reader: reader, destinations: destinations, acknowledgmentDestination: nil, route: route),
            header: nil, metadata: metadata)
    }

    /// Records what ``prepare(_:on:)`` made of `entry`: the note with its outbox rows and the entry's move to
    /// `processed` in one transaction, the failure with its reason, or the visit context.
    func record(_ preparation: Preparation, entry: JournalEntry) async -> Outcome {
        switch preparation {
        case .stopped:
            return .deferred
        case .awaitingRecording(_, let metadata):
            logger.debug("HL7 message waits for the transcription of its recording", metadata: metadata)
            return .awaitingRecording
        case .context(let context, let metadata):
            return await keepContext(entry, context: context, metadata: metadata)
        case .failure(let failure, let header, let acknowledgmentDestination, let metadata):
            return await recordFailure(
                failure, entry: entry, header: header, acknowledgmentDestination: acknowledgmentDestination,
                metadata: metadata)
        case .note(let note, let destinations, let metadata):
            let outcome: Outcome
            do {
                _ = try await outbox.commit(note, destinations: destinations, processing: entry.id, now: note.createdAt)
                outcome = .processed(note.id)
            } catch let error as StoreError where error.code == .duplicate {
                outcome = .alreadyProcessed
            } catch {
                outcome = .deferred
                logStoreFailure(error, metadata: metadata)
            }
            logNote(outcome, note: note, metadata: metadata)
            return outcome
        }
    }

    /// Records several prepared notes, in order, in one transaction: what ``record(_:entry:)`` does for each, with
    /// one commit instead of one per note. The outcomes are in the order of `notes`.
    func recordNotes(_ notes: [PreparedNote]) async -> [Outcome] {
        guard notes.count > 1 else { return await recordOneByOne(notes) }
        let results: [Result<[Int64], StoreError>]
        do {
            results = try await outbox.commit(
                notes.map { OutboxCommit(note: $0.note, destinations: $0.destinations, processing: $0.entry.id) },
                now: Date())
        } catch {
            // The batch as a whole failed: record them one by one, so that one bad note defers only itself.
            return await recordOneByOne(notes)
        }
        return zip(notes, results).map { note, result in
            let outcome: Outcome
            switch result {
            case .success: outcome = .processed(note.note.id)
            case .failure(let error) where error.code == .duplicate: outcome = .alreadyProcessed
            case .failure(let error):
                outcome = .deferred
                logStoreFailure(error, metadata: note.metadata)
            }
            logNote(outcome, note: note.note, metadata: note.metadata)
            return outcome
        }
    }

    /// A prepared note with its entry, as ``recordNotes(_:)`` takes it.
    typealias PreparedNote = (entry: JournalEntry, note: OutboxNote, destinations: [String], metadata: Logger.Metadata)

    private func recordOneByOne(_ notes: [PreparedNote]) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for note in notes {
            outcomes.append(
                await record(
                    .note(note.note, destinations: note.destinations, metadata: note.metadata), entry: note.entry))
        }
        return outcomes
    }

    private func logNote(_ outcome: Outcome, note: OutboxNote, metadata: Logger.Metadata) {
        guard case .processed = outcome, logger.logLevel <= .debug else { return }
        var metadata = metadata
        metadata["nb.note.id"] = "\(note.id)"
        logger.debug("note written and queued for delivery", metadata: metadata)
    }

    private func logStoreFailure(_ error: any Error, metadata: Logger.Metadata) {
        var metadata = metadata
        metadata["nb.error"] = "\(OutboxWorker.describe(error))"
        logger.error("note not stored; the message stays accepted and is tried again", metadata: metadata)
    }

    /// Marks the entry failed with the reason, after queueing the `AE` its sender asked for.
    func recordFailure(
        _ failure: PipelineFailure, entry: JournalEntry, header: HL7ReceivedHeader?, acknowledgmentDestination: String?,
        metadata: Logger.Metadata
    ) async -> Outcome {
        var metadata = metadata
        let reason = failure.reason
        if let header, let destination = acknowledgmentDestination,
            Self.wantsApplicationAcknowledgment(header, .applicationError)
        {
            guard
                await queueErrorAcknowledgment(
                    failure, header: header, entry: entry, to: destination, metadata: metadata)
            else {
                return .deferred
            }
        }
        do {
            try await journal.updateState(id: entry.id, to: .failed, reason: reason)
        } catch {
            metadata["nb.error"] = "\(OutboxWorker.describe(error))"
            logger.error("the failed state of an HL7 message could not be recorded", metadata: metadata)
            return .deferred
        }
        metadata["nb.pipeline.reason"] = "\(reason)"
        logger.notice("HL7 message cannot become a note; journal entry marked failed", metadata: metadata)
        return .failed(reason)
    }

    /// The note of an encounter, or why there is none. Pure apart from the clock and the random note id.
    func makeNote(_ encounter: Encounter) -> Result<OutboxNote, PipelineFailure> {
        let now = Date()
        let note: Note
        let codes: BillingCodes?
        do {
            (note, codes) = try writer.noteAndCodes(for: encounter, at: now)
        } catch {
            return .failure(PipelineFailure("the transcript cannot be used: \(error.reason)"))
        }
        let record = NoteRecord(
            id: "note_" + Hex.random(16), createdAt: now, encounter: encounter, note: note, codes: codes,
            mapping: mapping)
        let document: [UInt8]
        do {
            document = try record.encoded()
        } catch {
            return .failure(PipelineFailure("the note cannot be encoded"))
        }
        let key = Self.patientKey(encounter.patient, digester: digester)
        return .success(
            OutboxNote(
                id: record.id, createdAt: now, expiresAt: now.addingTimeInterval(noteRetention.timeInterval),
                patientKey: key, document: document))
    }

    /// Runs `body` on `threads`, or on the calling task when there are none.
    private static func running<T: Sendable>(
        on threads: PipelineThreads?, _ body: @escaping @Sendable () -> T
    ) async throws -> T {
        guard let threads else { return body() }
        return try await threads.run(body)
    }

    // MARK: - Enhanced-mode application acknowledgments (HL7 v2.5 chapter 2, section 2.9.3)

    /// Whether the sender asked for an application acknowledgment with this outcome: only in enhanced mode, as
    /// MSH-16 says (empty is AL).
    /// The outbox key a patient's notes are ordered by: the HMAC of its primary identifier; for a patient with none
    /// (known by name only), of its family name, given name and birth date, so that such a patient's notes stay in
    /// order without every name-only patient waiting behind one another.
    static func patientKey(_ patient: Encounter.Patient, digester: PatientKeyDigester) -> String {
        if let primary = patient.primaryIdentifier, !primary.value.isEmpty {
            return digester.patientKey(identifier: primary.value, authority: primary.assigningAuthority)
        }
        let parts = [patient.name?.family ?? "", patient.name?.given ?? "", patient.birthDate]
        return digester.patientKey(
            identifier: parts.map { $0.lowercased() }.joined(separator: "|"), authority: "name-only")
    }

    static func wantsApplicationAcknowledgment(_ header: HL7ReceivedHeader, _ code: HL7AcknowledgmentCode) -> Bool {
        header.isEnhancedMode
            && HL7AcknowledgmentCondition(field: header.applicationAcknowledgmentType).shouldSend(code)
    }

    /// The table 0357 code an `AE` reports for a message the mapping cannot use.
    static func errorCode(of error: EncounterReadError) -> HL7ErrorCode {
        switch error.code {
        case .missingSegment: .segmentSequenceError
        case .missingField, .noTranscript: .requiredFieldMissing
        case .invalidRecording, .recordingTooLarge: .dataTypeError
        default: .applicationInternalError
        }
    }

    /// Queues the `AE` of an entry that cannot become a note, under an id derived from the entry, so that a second
    /// pass after a crash finds it queued instead of queueing it twice. Returns `false` when the store failed.
    func queueErrorAcknowledgment(
        _ failure: PipelineFailure, header: HL7ReceivedHeader, entry: JournalEntry, to destination: String,
        metadata: Logger.Metadata
    ) async -> Bool {
        var metadata = metadata
        let id =
            ApplicationAcknowledgmentRecord.idPrefix
            + String(repeating: "0", count: max(0, 20 - String(entry.id).count))
            + String(entry.id)
        let now = Date()
        let record = ApplicationAcknowledgmentRecord(
            code: HL7AcknowledgmentCode.applicationError.rawValue, acknowledgedControlID: header.controlID,
            sendingApplication: header.sendingApplication, sendingFacility: header.sendingFacility,
            messageCode: header.messageCode, triggerEvent: header.triggerEvent, processingID: header.processingID,
            hl7Version: header.version, errorCode: failure.errorCode.value, errorReason: failure.reason, createdAt: now)
        do {
            if try await outbox.noteDocument(id: id) != nil { return true }
            let key = digester.patientKey(identifier: "", authority: "application-acknowledgment|" + header.senderKey)
            _ = try await outbox.commit(
                OutboxNote(
                    id: id, createdAt: now, expiresAt: now.addingTimeInterval(noteRetention.timeInterval),
                    patientKey: key, document: try record.encoded()),
                destinations: [destination], processing: nil, now: now)
            metadata["nb.pipeline.application_ack"] = "AE"
            logger.debug("application acknowledgment AE queued", metadata: metadata)
            return true
        } catch {
            metadata["nb.error"] = "\(OutboxWorker.describe(error))"
            logger.error(
                "the application acknowledgment could not be queued; the message stays accepted", metadata: metadata)
            return false
        }
    }
}
