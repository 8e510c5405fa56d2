import Delivery
import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// The events NoteBridge posts to webhooks. They carry the note id and metadata, never note text: the
/// receiver fetches the note with its key.
enum WebhookEvent {
    static func generated(_ document: NoteDocument) -> (type: String, payload: [UInt8]) {
        struct Data: Encodable {
            var noteId: String
            var specialty: String
            var template: String
            var created_at: String
            var expires_at: String
        }
        let data = Data(
            noteId: document.noteId, specialty: document.specialty, template: document.template,
            created_at: document.createdAt, expires_at: document.expiresAt)
        return ("note.generated", envelope("note.generated", data))
    }

    /// `noteID` is the id the note would have had: an audio job's (accepted with 202), so the receiver knows which
    /// upload failed; none for a request answered with its error.
    static func failed(_ error: APIError, specialty: String?, noteID: String? = nil) -> (type: String, payload: [UInt8])
    {
        struct Data: Encodable {
            struct Failure: Encodable {
                var code: String
                var message: String
            }
            var noteId: String?
            var specialty: String?
            var error: Failure
        }
        let data = Data(noteId: noteID, specialty: specialty, error: .init(code: error.code, message: error.message))
        return ("note.failed", envelope("note.failed", data))
    }

    private struct Envelope<Body: Encodable>: Encodable {
        var id: String
        var type: String
        var created_at: String
        var data: Body
    }

    private static func envelope<Body: Encodable>(_ type: String, _ data: Body) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let envelope = Envelope<Body>(
            id: "evt_" + Hex.random(12), type: type,
            created_at: NoteDocument.timestamp(Date()), data: data)
        return (try? encoder.encode(envelope)).map(Array.init) ?? []
    }
}

/// Wakes the webhook worker when a delivery is queued, so events go out at once rather than at the next poll.
final class WebhookSignal: Sendable {
    private let continuation: AsyncStream<Void>.Continuation
    let stream: AsyncStream<Void>

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func wake() { continuation.yield() }
    func finish() { continuation.finish() }
}

/// Delivers queued webhook events: signs each with its key's secret, posts it (``WebhookSender``), and retries
/// failures with exponential backoff (2 s, 4 s, 8 s, ... capped at one hour; never sooner than a 429 or 503
/// answer's `Retry-After`) until `maximumAttempts`, when the
/// delivery is marked failed. Deliveries survive restarts: they are rows of the note database.
public struct WebhookService: Service {
    /// Retry and transfer settings.
    public struct Configuration: Sendable {
        /// Attempts before a delivery is marked failed.
        public var maximumAttempts = 8
        /// The first retry delay; each later one doubles.
        public var initialBackoff: Duration = .seconds(2)
        /// The longest retry delay.
        public var maximumBackoff: Duration = .seconds(3600)
        /// The longest one POST may take.
        public var timeout: Duration = .seconds(10)
        /// How often due retries are looked for when nothing wakes the worker.
        public var pollInterval: Duration = .seconds(1)
        /// Whether callbacks never connect to link-local or cloud metadata addresses, whatever their host name
        /// resolves to: the default, off when the operator lists the allowed hosts (`api.callbackAllowedHosts`).
        public var refusesLinkLocalAddresses = true

        /// The defaults.
        public init() {}
    }

    let outbox: any WebhookOutbox
    let keys: any APIKeyStore
    let sender: WebhookSender
    let signal: WebhookSignal
    let configuration: Configuration
    let logger: Logger

    init(
        outbox: any WebhookOutbox, keys: any APIKeyStore, signal: WebhookSignal, configuration: Configuration,
        logger: Logger
    ) {
        self.outbox = outbox
        self.keys = keys
        self.sender = WebhookSender(maximumConcurrentTransfers: 8)
        self.signal = signal
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let ticker = Task { [signal, configuration] in
            while !Task.isCancelled {
                try? await Task.sleep(for: configuration.pollInterval)
                signal.wake()
            }
        }
        defer { ticker.cancel() }
        await cancelWhenGracefulShutdown {
            for await _ in signal.stream {
                if Task.isCancelled { break }
                await deliverDue(now: Date())
            }
        }
    }

    /// One pass: every due delivery, concurrently.
    func deliverDue(now: Date) async {
        let due: [WebhookDelivery]
        do {
            due = try await outbox.dueDeliveries(now: now, limit: 64)
        } catch {
            logger.error("webhook outbox unreadable", metadata: ["nb.error": "\(type(of: error))"])
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask { await deliver(delivery) }
            }
        }
    }

    func deliver(_ delivery: WebhookDelivery) async {
        let result: String
        var delivered = false
        var asked: Duration?
        do {
            guard let key = try await keys.key(id: delivery.keyID), key.revokedAt == nil else {
                try await outbox.recordAttempt(
                    id: delivery.id, state: .failed, nextAttemptAt: Date(), result: "key revoked")
                return
            }
            let answer = await sender.post(
                url: delivery.url, eventType: delivery.eventType, deliveryID: String(delivery.id),
                payload: delivery.payload, secret: key.webhookSecret, timeout: configuration.timeout,
                refusingLinkLocal: configuration.refusesLinkLocalAddresses)
            delivered = answer.isSuccess
            result = answer.result
            asked = answer.retryAfter
        } catch {
            result = "\(type(of: error))"
        }
        let attempts = delivery.attempts + 1
        let state: WebhookDelivery.State =
            delivered ? .delivered : (attempts >= configuration.maximumAttempts ? .failed : .pending)
        // A receiver's Retry-After is honoured: the next attempt is no sooner than it asks.
        let next = Date().addingTimeInterval(max(backoff(afterAttempt: attempts), asked?.timeInterval ?? 0))
        do {
            try await outbox.recordAttempt(id: delivery.id, state: state, nextAttemptAt: next, result: result)
        } catch {
            logger.error("webhook attempt not recorded", metadata: ["nb.error": "\(type(of: error))"])
        }
        let host = URLComponents(string: delivery.url)?.host ?? "?"
        logger.log(
            level: delivered ? .debug : .warning, "webhook attempt",
            metadata: [
                "nb.webhook.id": "\(delivery.id)", "nb.webhook.host": "\(host)", "nb.webhook.result": "\(result)",
                "nb.webhook.state": "\(state.rawValue)", "nb.webhook.attempt": "\(attempts)",
            ])
    }

    /// Seconds before the next attempt: the initial backoff doubled per attempt, capped, with ±10% jitter.
    func backoff(afterAttempt attempt: Int) -> TimeInterval {
        let initial = configuration.initialBackoff.timeInterval
        let cap = configuration.maximumBackoff.timeInterval
        let base = min(cap, initial * pow(2, Double(max(0, attempt - 1))))
        return base * Double.random(in: 0.9...1.1)
    }
}
