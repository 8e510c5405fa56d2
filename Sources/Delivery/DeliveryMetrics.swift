import CoreMetrics

/// The delivery counters of one destination (swift-metrics; exported by the gateway on `GET /metrics`).
///
/// Their only label is the destination's configured name, never anything about a patient or a note.
public struct DeliveryMetrics: Sendable {
    /// `notebridge_messages_delivered_total{destination}`: rows the destination accepted.
    public static let deliveredLabel = "notebridge_messages_delivered_total"
    /// `notebridge_messages_retried_total{destination}`: failed attempts that will be tried again.
    public static let retriedLabel = "notebridge_messages_retried_total"
    /// `notebridge_messages_dead_total{destination}`: rows moved to the dead letter.
    public static let deadLabel = "notebridge_messages_dead_total"
    /// `notebridge_fhir_token_requests_total{destination}`: requests a FHIR destination made to its token endpoint.
    public static let tokenRequestsLabel = "notebridge_fhir_token_requests_total"
    /// The label that names the destination.
    public static let destinationDimension = "destination"

    let delivered: Counter
    let retried: Counter
    let dead: Counter

    /// The counters of `destination`, made by `factory` (created at zero, so that they are exported before the
    /// first delivery).
    public init(destination: String, factory: any MetricsFactory = MetricsSystem.factory) {
        let dimensions = [(Self.destinationDimension, destination)]
        delivered = Counter(label: Self.deliveredLabel, dimensions: dimensions, factory: factory)
        retried = Counter(label: Self.retriedLabel, dimensions: dimensions, factory: factory)
        dead = Counter(label: Self.deadLabel, dimensions: dimensions, factory: factory)
    }
}
