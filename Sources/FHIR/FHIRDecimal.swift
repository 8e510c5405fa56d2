/// A FHIR `decimal` (http://hl7.org/fhir/R4/datatypes.html#decimal) as its JSON number text, so precision
/// survives a round trip: `1.50` stays `1.50`, which a `Double` would turn into `1.5`.
public struct FHIRDecimal: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The number as written: `-0.50`, `1e3`.
    public let text: String

    /// A decimal from its text; `nil` unless it is a JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    public init?(_ text: String) {
        guard Self.isNumber(text.utf8) else { return nil }
        self.text = text
    }

    /// An integral decimal.
    public init(_ value: Int) { self.text = String(value) }

    /// An integral decimal.
    public init(integerLiteral value: Int) { self.init(value) }

    /// The value as a `Double` (precision may be lost).
    public var doubleValue: Double? { Double(text) }

    /// The number text.
    public var description: String { text }

    static func isNumber(_ bytes: String.UTF8View) -> Bool {
        var index = bytes.startIndex
        func digits() -> Int {
            var count = 0
            while index != bytes.endIndex, (0x30...0x39).contains(bytes[index]) {
                count += 1
                index = bytes.index(after: index)
            }
            return count
        }
        func take(_ characters: String) -> Bool {
            guard index != bytes.endIndex, characters.utf8.contains(bytes[index]) else { return false }
            index = bytes.index(after: index)
            return true
        }
        _ = take("-")
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { return false }
        if integerDigits > 1, bytes[integerStart] == 0x30 { return false }
        if take("."), digits() == 0 { return false }
        if take("eE") {
            _ = take("+-")
            if digits() == 0 { return false }
        }
        return index == bytes.endIndex
    }
}
