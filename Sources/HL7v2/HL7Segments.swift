/// The segments of a message, in order, as a random-access collection of views.
public struct HL7Segments: RandomAccessCollection, Sendable {
    let storage: HL7Message.Storage

    /// The first position, 0.
    public var startIndex: Int { 0 }
    /// One past the last segment.
    public var endIndex: Int { storage.index.segments.count }

    /// The segment at a 0-based position.
    public subscript(position: Int) -> HL7Segment {
        HL7Segment(storage: storage, index: position)
    }
}

/// One segment of a parsed message (a view: it shares the message's bytes).
public struct HL7Segment: Sendable {
    let storage: HL7Message.Storage
    let index: Int

    private var node: HL7Index.SegmentNode { storage.index.segments[index] }

    /// The segment's name (`PID`).
    public var name: String { HL7Index.unpackName(node.name) }

    /// The 1-based position of the segment in its message.
    public var position: Int { index + 1 }

    /// The number of fields the segment holds, counted as HL7 numbers them (for MSH, MSH-1 and MSH-2 count).
    public var fieldCount: Int { Int(node.fieldCount) }

    /// The segment's ER7 text, without its terminator.
    public var er7: String { storage.text(HL7Index.Span(start: node.start, end: node.end)) }

    /// The field at a 1-based HL7 position (`PID-5` is `field(5)`), or `nil` when the segment is shorter.
    public func field(_ number: Int) -> HL7Field? {
        fields.element(number: number)
    }

    /// The fields in order; element 0 is field 1.
    public var fields: HL7Elements<HL7Field> {
        let node = self.node
        return HL7Elements(
            storage: storage, first: Int(node.firstField), count: Int(node.fieldCount),
            literalPrefix: node.isHeader ? 2 : 0, make: HL7Field.init)
    }

    /// The decoded first primitive of a field (`PID-8`), `nil` when absent.
    public subscript(number: Int) -> String? {
        field(number)?.value
    }
}

/// One field of a segment, which may repeat.
public struct HL7Field: Sendable {
    let storage: HL7Message.Storage
    let index: Int
    /// MSH-1 and MSH-2 (and FHS/BHS) are literal: never split, never unescaped.
    let isLiteral: Bool

    private var node: HL7Index.Node { storage.index.fields[index] }
    var span: HL7Index.Span { HL7Index.Span(start: node.start, end: node.end) }

    /// The field's ER7 text as received (escapes not resolved).
    public var encodedValue: String { storage.text(span) }

    /// Whether the field is empty (not sent).
    public var isEmpty: Bool { node.start == node.end }

    /// Whether the field is HL7's explicit null, `""` (the receiver should delete its value).
    public var isNull: Bool {
        let node = self.node
        return node.end - node.start == 2 && storage.bytes[Int(node.start)] == 0x22
            && storage.bytes[Int(node.start) + 1] == 0x22
    }

    /// The number of repetitions (1 for a field that does not repeat, including an empty one).
    public var repetitionCount: Int { Int(node.childCount) }

    /// The 1-based repetition, or `nil`.
    public func repetition(_ number: Int) -> HL7Repetition? {
        repetitions.element(number: number)
    }

    /// All repetitions in order.
    public var repetitions: HL7Elements<HL7Repetition> {
        let node = self.node
        return HL7Elements(
            storage: storage, first: Int(node.firstChild), count: Int(node.childCount),
            literalPrefix: isLiteral ? Int.max : 0, make: HL7Repetition.init)
    }

    /// The decoded first primitive (first repetition, component and subcomponent), as a terser reads it.
    public var value: String {
        repetition(1)?.value ?? ""
    }
}

/// One repetition of a field.
public struct HL7Repetition: Sendable {
    let storage: HL7Message.Storage
    let index: Int
    let isLiteral: Bool

    private var node: HL7Index.Node { storage.index.repetitions[index] }
    var span: HL7Index.Span { HL7Index.Span(start: node.start, end: node.end) }

    /// The repetition's ER7 text as received.
    public var encodedValue: String { storage.text(span) }

    /// The number of components.
    public var componentCount: Int { Int(node.childCount) }

    /// The 1-based component, or `nil`.
    public func component(_ number: Int) -> HL7Component? {
        components.element(number: number)
    }

    /// All components in order.
    public var components: HL7Elements<HL7Component> {
        let node = self.node
        return HL7Elements(
            storage: storage, first: Int(node.firstChild), count: Int(node.childCount),
            literalPrefix: isLiteral ? Int.max : 0, make: HL7Component.init)
    }

    /// The decoded first primitive.
    public var value: String { component(1)?.value ?? "" }
}

/// One component of a repetition.
public struct HL7Component: Sendable {
    let storage: HL7Message.Storage
    let index: Int
    let isLiteral: Bool

    private var node: HL7Index.Node { storage.index.components[index] }
    var span: HL7Index.Span { HL7Index.Span(start: node.start, end: node.end) }

    /// The component's ER7 text as received.
    public var encodedValue: String { storage.text(span) }

    /// The number of subcomponents.
    public var subcomponentCount: Int { Int(node.childCount) }

    /// The decoded 1-based subcomponent, or `nil`.
    public func subcomponent(_ number: Int) -> String? {
        let node = self.node
        guard number >= 1, number <= Int(node.childCount) else { return nil }
        let span = storage.index.subcomponents[Int(node.firstChild) + number - 1]
        return isLiteral ? storage.text(span) : storage.decoded(span)
    }

    /// The decoded subcomponents in order.
    public var subcomponents: [String] {
        let node = self.node
        return storage.index.subcomponents[Int(node.firstChild)..<Int(node.firstChild + node.childCount)].map {
            isLiteral ? storage.text($0) : storage.decoded($0)
        }
    }

    /// The decoded first subcomponent.
    public var value: String { subcomponent(1) ?? "" }
}
