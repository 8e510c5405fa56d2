import HTTPTypes

/// The header names the gateway uses that HTTPTypes does not define, in one place.
extension HTTPField.Name {
    /// `Prefer` (RFC 7240): `return=minimal`, `handling=strict`.
    static let prefer = gatewayHeader("Prefer")
    /// `Idempotency-Key` on `POST /v1/note`.
    static let idempotencyKey = gatewayHeader("Idempotency-Key")
    /// `Idempotent-Replayed: true` on a stored answer given again.
    static let idempotentReplayed = gatewayHeader("Idempotent-Replayed")
    /// `X-Accel-Buffering: no` on event streams, so that proxies do not buffer them.
    static let accelBuffering = gatewayHeader("X-Accel-Buffering")
    /// `X-Progress` on the status of an asynchronous FHIR request while it runs (FHIR R4 §3.1.6).
    static let xProgress = gatewayHeader("X-Progress")

    /// `Referrer-Policy` on the console's pages (`same-origin`: a browser then sends `Origin` on the console's own posts).
    static let referrerPolicy = gatewayHeader("Referrer-Policy")

    /// A name from a literal of this file; each is a valid token, so this never fails (the tests use every one).
    private static func gatewayHeader(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("not an HTTP field name: \(name)") }
        return field
    }
}
