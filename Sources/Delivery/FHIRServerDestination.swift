import CoreMetrics
import Curl
import EncounterModel
import FHIR
import Foundation
import Logging
import Mapping
import Store

/// A FHIR R4 server as an outbox destination, over libcurl: the stored note rendered by the note→FHIR mapping
/// (``NoteFHIRRenderer``) and written so that sending it again creates nothing new (FHIR R4 RESTful API: section
/// 3.1.0.11 transactions, 3.1.0.8 conditional create, 3.1.0.4.3 conditional update).
///
/// - ``Mode/transaction``: one `transaction` Bundle POSTed to the base URL, each entry a conditional create
///   (`ifNoneExist: identifier=system|value`, with `&patient.identifier=` for the Encounter) and references between entries as `urn:uuid` full URLs.
/// - ``Mode/conditionalCreate`` and ``Mode/conditionalUpdate``: one request per resource, what is referenced
///   first; each reference is rewritten to the id the server gave the resource it names (from `Location`). The
///   patient, encounter, practitioner and device are always created conditionally (an EHR's own records are never
///   overwritten); the note's resources are created (`If-None-Exist`) or updated (`PUT [type]?identifier=`).
/// - ``Mode/documentReference``: the DocumentReference alone (the note as base64 `text/plain` and `text/html`
///   attachments) with what it references, by conditional create.
///
/// Answers are classified by ``FHIRServerAnswer``; a 401 with a token from a token endpoint gets one refresh and
/// one more try. What the server reports storing (``FHIRServerAnswer/storedReferences(of:resourceType:)``: `Type/id/
/// _history/version` only) is the delivered outcome's references, kept with the outbox row and logged with its id.
/// No PHI is ever logged or put
/// in an outcome: identifier values travel in URLs and headers, which ``CurlError`` never reports.
public struct FHIRServerDestination: Destination {
    /// How resources are written.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// One transaction Bundle of conditional creates.
        case transaction
        /// One conditional create per resource.
        case conditionalCreate = "conditional-create"
        /// One conditional update per note resource (conditional creates for what the EHR owns).
        case conditionalUpdate = "conditional-update"
        /// The DocumentReference only.
        case documentReference = "document-reference"
    }

    /// The server and how to write to it.
    public struct Configuration: Sendable, Hashable {
        /// The FHIR base URL (`https://ehr.example.org/fhir/R4`).
        public var baseURL: String
        /// How resources are written.
        public var mode: Mode
        /// Which of ``NoteFHIRRenderer/selectableResourceTypes`` are sent (``Mode/documentReference`` sends
        /// DocumentReference whatever this says).
        public var resources: Set<String>
        /// How requests are authenticated.
        public var authorization: FHIRAuthorization
        /// CA bundle, client certificate for mutual TLS (verification is always on).
        public var tls: CurlTLSConfiguration
        /// A proxy URL, or `nil` to connect directly.
        public var proxy: String?
        /// The longest wait for a connection.
        public var connectTimeout: Duration
        /// The longest one request may take.
        public var timeout: Duration
        /// The largest answer read, bytes.
        public var maximumResponseBytes: Int
        /// The identifier systems of the patient, visit and clinician.
        public var identifiers: NoteFHIRIdentifierSystems
        /// The note→FHIR mapping (document types, section codes, Composition status).
        public var mapping: NoteFHIRMapping

        /// Creates a configuration.
        public init(
            baseURL: String, mode: Mode = .transaction,
            resources: Set<String> = ["Composition", "DocumentReference", "Condition", "Provenance"],
            authorization: FHIRAuthorization = .none, tls: CurlTLSConfiguration = CurlTLSConfiguration(),
            proxy: String? = nil, connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30),
            maximumResponseBytes: Int = 4 << 20, identifiers: NoteFHIRIdentifierSystems = NoteFHIRIdentifierSystems(),
            mapping: NoteFHIRMapping = NoteFHIRMapping()
        ) {
            self.baseURL = baseURL
            self.mode = mode
            self.resources = resources
            self.authorization = authorization
            self.tls = tls
            self.proxy = proxy
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maximumResponseBytes = maximumResponseBytes
            self.identifiers = identifiers
            self.mapping = mapping
        }

        /// The resource types sent in this mode.
        public var selectedResources: Set<String> {
            mode == .documentReference ? ["DocumentReference"] : resources
        }
    }

    /// The configured name.
    public let name: String
    /// The configuration in force.
    public let configuration: Configuration
    let client: CurlClient
    let tokens: FHIRTokenSource?
    let renderer: NoteFHIRRenderer
    let logger: Logger

    /// Answers to writes read as JSON (transaction responses, resources, OperationOutcomes).
    static let answerReader = JSONReader(limits: JSONReader.Limits(maximumBytes: 16 << 20, maximumDepth: 64))
    static let fhirJSON = "application/fhir+json"

    /// Creates the destination; its token requests are counted by `metrics` (the process's factory unless given).
    public init(
        name: String, configuration: Configuration, client: CurlClient = CurlClient(maximumConcurrentTransfers: 8),
        metrics: (any MetricsFactory)? = nil, logger: Logger
    ) {
        self.name = name
        self.configuration = configuration
        self.client = client
        var logger = logger
        logger[metadataKey: "nb.delivery.destination"] = "\(name)"
        self.logger = logger
        self.renderer = NoteFHIRRenderer(mapping: configuration.mapping)
        if configuration.authorization.usesTokenEndpoint {
            tokens = FHIRTokenSource(
                authorization: configuration.authorization, baseURL: configuration.baseURL, client: client,
                template: Self.template(configuration), logger: logger,
                requests: Counter(
                    label: DeliveryMetrics.tokenRequestsLabel,
                    dimensions: [(DeliveryMetrics.destinationDimension, name)],
                    factory: metrics ?? MetricsSystem.factory))
        } else {
            tokens = nil
        }
    }

    /// The TLS, proxy, timeouts and size limit every request of `configuration` carries.
    static func template(_ configuration: Configuration) -> CurlRequest {
        CurlRequest(
            url: configuration.baseURL, connectTimeout: configuration.connectTimeout, timeout: configuration.timeout,
            tls: configuration.tls, proxy: configuration.proxy, maximumResponseBytes: configuration.maximumResponseBytes
        )
    }

    /// Token requests made so far (0 without a token endpoint).
    public var tokenRequests: Int {
        get async { await tokens?.fetches ?? 0 }
    }

    /// Renders `note` with the mapping and writes it in the configured mode; see the type's documentation.
    public func deliver(_ note: NoteRecord, item: OutboxItem) async -> DeliveryOutcome {
        var input = NoteFHIRInput(record: note, identifiers: configuration.identifiers)
        if input.patient == nil {
            // No identifier to write the Patient by: link the note to the server's own Patient, or to none.
            switch await matchPatient(note.encounter.patient) {
            case .success(let reference): input.linkExistingPatient(reference)
            case .failure(let failure):
                logger.notice(
                    "note not delivered: its patient could not be matched on the FHIR server",
                    metadata: ["nb.outbox.id": "\(item.id)", "nb.fhir.patient_match": "\(failure.kind)"])
                return failure.outcome
            }
        }
        let writes = renderer.writes(input, selected: configuration.selectedResources)
        guard writes.contains(where: { NoteFHIRRenderer.selectableResourceTypes.contains($0.resourceType) }) else {
            return .dead(reason: "the note has none of the resources destination \(name) sends")
        }
        var session = Session(destination: self)
        let outcome: DeliveryOutcome
        switch configuration.mode {
        case .transaction:
            outcome = await session.transaction(writes)
        case .conditionalCreate, .documentReference:
            outcome = await session.oneByOne(writes, update: false)
        case .conditionalUpdate:
            outcome = await session.oneByOne(writes, update: true)
        }
        if case .delivered(let references) = outcome {
            logger.info(
                "note written to the FHIR server",
                metadata: [
                    "nb.outbox.id": "\(item.id)", "nb.fhir.mode": "\(configuration.mode.rawValue)",
                    "nb.fhir.locations": "\(references.joined(separator: " "))",
                ])
        }
        return outcome
    }

    /// The requests of one delivery: the token in use and whether it was refreshed.
    struct Session {
        let destination: FHIRServerDestination
        var refreshed = false

        init(destination: FHIRServerDestination) {
            self.destination = destination
        }

        /// POSTs the transaction Bundle of `writes` to the base URL.
        mutating func transaction(_ writes: [NoteFHIRWrite]) async -> DeliveryOutcome {
            let bundle = NoteFHIRRenderer.transactionBundle(writes)
            let response: CurlResponse
            switch await send(
                method: "POST", path: "", headers: [], body: JSONWriter.write(bundle), what: "transaction")
            {
            case .answered(let answer): response = answer
            case .failed(let outcome): return outcome
            }
            let outcome = FHIRServerAnswer.outcome(of: response, writing: "transaction")
            guard outcome.isDelivered else { return outcome }
            return .delivered(references: FHIRServerAnswer.storedReferences(of: response))
        }

        /// Writes each resource by its own request, rewriting references to those already written.
        mutating func oneByOne(_ writes: [NoteFHIRWrite], update: Bool) async -> DeliveryOutcome {
            var assigned: [String: String] = [:]
            var references: [String] = []
            for write in writes {
                var resolved = write
                resolved.resource = Self.resolving(write.resource, assigned)
                let body = resolved.body
                let method: String
                var path: String
                var headers: [HTTPHeader] = []
                let owned = ["Patient", "Encounter", "Practitioner", "Device"].contains(write.resourceType)
                if let query = write.matchQuery {
                    if update && !owned {
                        method = "PUT"
                        path = "\(write.resourceType)?\(query)"
                    } else {
                        method = "POST"
                        path = write.resourceType
                        headers.append(HTTPHeader(name: "If-None-Exist", value: query))
                    }
                } else {
                    method = "PUT"
                    path = "\(write.resourceType)/\(write.id)"
                }
                let what = "\(method) \(write.resourceType)"
                let response: CurlResponse
                switch await send(
                    method: method, path: path, headers: headers, body: JSONWriter.write(body), what: what)
                {
                case .answered(let answer): response = answer
                case .failed(let outcome): return outcome
                }
                let outcome = FHIRServerAnswer.outcome(of: response, writing: what)
                guard outcome.isDelivered else { return outcome }
                guard
                    let reference = FHIRServerAnswer.storedReferences(of: response, resourceType: write.resourceType)
                        .first
                else {
                    return .retry(reason: "the FHIR server's answer to \(what) names no resource id (no Location)")
                }
                // `Type/id` of `Type/id/_history/version`.
                assigned[write.fullURL] = reference.split(separator: "/").prefix(2).joined(separator: "/")
                if references.count < OutboxItem.maximumDeliveredReferences { references.append(reference) }
            }
            return .delivered(references: references)
        }

        /// What sending one request came to: the server's answer, or the outcome of a request that got none.
        enum Answer {
            case answered(CurlResponse)
            case failed(DeliveryOutcome)
        }

        /// Sends one request with the current token; on a 401 with a token from the token endpoint, fetches one new
        /// token (once per delivery) and sends it again.
        mutating func send(method: String, path: String, headers: [HTTPHeader], body: [UInt8], what: String) async
            -> Answer
        {
            let configuration = destination.configuration
            while true {
                var request = FHIRServerDestination.template(configuration)
                request.method = method
                request.url = path.isEmpty ? configuration.baseURL : FHIRTokenSource.joined(configuration.baseURL, path)
                request.headers =
                    [
                        HTTPHeader(name: "Content-Type", value: FHIRServerDestination.fhirJSON),
                        HTTPHeader(name: "Accept", value: FHIRServerDestination.fhirJSON),
                        HTTPHeader(name: "Prefer", value: "return=minimal"),
                        HTTPHeader(name: "User-Agent", value: "NoteBridge-FHIR/1"),
                    ] + headers
                request.body = body
                var token: FHIRTokenSource.Token?
                switch configuration.authorization {
                case .none:
                    break
                case .bearer(let value):
                    request.headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(value)"))
                case .clientSecret, .smartBackend:
                    guard let tokens = destination.tokens else { return .failed(.dead(reason: "no token source")) }
                    do {
                        let fresh = try await tokens.token()
                        token = fresh
                        request.headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(fresh.value)"))
                    } catch let error as FHIRTokenSource.TokenError {
                        if Task.isCancelled { return .failed(.interrupted) }
                        return .failed(error.isPermanent ? .dead(reason: error.reason) : .retry(reason: error.reason))
                    } catch {
                        return .failed(
                            Task.isCancelled ? .interrupted : .retry(reason: "no access token: \(type(of: error))"))
                    }
                }
                let response: CurlResponse
                do {
                    response = try await destination.client.perform(request)
                } catch let error as CurlError {
                    return .failed(FHIRServerAnswer.outcome(of: error, writing: what))
                } catch {
                    return .failed(
                        Task.isCancelled ? .interrupted : .retry(reason: "\(what) failed: \(type(of: error))"))
                }
                if response.status == 401, let token, let tokens = destination.tokens {
                    await tokens.invalidate(token)
                    if !refreshed {
                        refreshed = true
                        destination.logger.notice(
                            "the FHIR server refused the access token; fetching a new one",
                            metadata: ["nb.fhir.request": "\(what)"])
                        continue
                    }
                    return .failed(
                        .dead(reason: "HTTP 401 from the FHIR server for \(what), also after a token refresh"))
                }
                return .answered(response)
            }
        }

        /// `resource` with each reference that is a key of `assigned` (a `urn:uuid`) replaced by its value.
        static func resolving(_ value: JSONValue, _ assigned: [String: String]) -> JSONValue {
            switch value {
            case .object(let members):
                return .object(
                    members.map { member in
                        if member.key == "reference", let text = member.value.string, let resolved = assigned[text] {
                            return JSONMember("reference", .string(resolved))
                        }
                        return JSONMember(member.key, resolving(member.value, assigned))
                    })
            case .array(let items):
                return .array(items.map { resolving($0, assigned) })
            default:
                return value
            }
        }
    }
}

extension FHIRServerDestination.Configuration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The base URL, mode, resources and authorization kind; never a secret, token or key.
    public var description: String {
        "FHIRServerDestination.Configuration(baseURL: \(baseURL), mode: \(mode.rawValue), resources: \(resources.sorted()), authorization: \(authorization), tls: \(tls))"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }
}
