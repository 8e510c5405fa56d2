/// Literal references (http://hl7.org/fhir/R4/references.html#literal): `Patient/123`,
/// `https://ehr.example.org/fhir/Patient/123/_history/2`, or a bare id.
public enum FHIRReference {
    /// The resource type (when one is written) and the id of a literal reference; `nil` for a contained
    /// reference (`#p1`), a `urn:`, or text whose id is not a FHIR id. A version (`/_history/n`) is dropped.
    public static func parse(_ text: String) -> (type: String?, id: String)? {
        guard !text.hasPrefix("#"), !text.hasPrefix("urn:") else { return nil }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let history = parts.firstIndex(of: "_history") { parts = Array(parts[..<history]) }
        guard let id = parts.last, isID(id) else { return nil }
        guard parts.count >= 2 else { return (nil, id) }
        let type = parts[parts.count - 2]
        guard R4Definitions.r4.type(type)?.kind == .resource else { return nil }
        return (type, id)
    }

    /// Whether `text` is a FHIR id: 1 to 64 letters, digits, `-` or `.`.
    public static func isID(_ text: String) -> Bool {
        !text.isEmpty && PrimitiveFormat.format(text, type: "id") == nil
    }
}
