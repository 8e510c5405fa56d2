/// The children of an element (a segment's fields, a field's repetitions, a repetition's components), read
/// in place from the message's index without copying them into an array.
public struct HL7Elements<Element: Sendable>: RandomAccessCollection, Sendable {
    let storage: HL7Message.Storage
    let first: Int
    /// The number of elements.
    public let count: Int
    /// Elements before this offset are literal (MSH-1 and MSH-2).
    let literalPrefix: Int
    let make: @Sendable (HL7Message.Storage, Int, Bool) -> Element

    /// The first position, 0.
    public var startIndex: Int { 0 }
    /// One past the last element.
    public var endIndex: Int { count }

    /// The element at a 1-based HL7 position (`PID-5` is number 5), or `nil` past the end.
    func element(number: Int) -> Element? {
        number >= 1 && number <= count ? self[number - 1] : nil
    }

    /// The element at a 0-based position.
    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "HL7Elements index out of range")
        return make(storage, first + position, position < literalPrefix)
    }
}
