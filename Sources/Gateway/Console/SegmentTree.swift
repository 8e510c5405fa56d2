import HL7v2

/// A parsed HL7 v2 message as the console shows it: each segment with its name from the HL7 v2 tables, and each
/// field that has a value with its position (`PID-5`), name, data type and decoded value (escapes resolved);
/// a field with components lists them (`PID-5.1`), and repetitions are numbered.
struct SegmentTree: Sendable, Hashable {
    /// One segment.
    struct Segment: Sendable, Hashable {
        /// Its position in the message, from 1.
        var position: Int
        /// The segment id (`PID`).
        var id: String
        /// Its name in the standard, `""` when the table does not list it.
        var name: String
        /// The fields that have a value.
        var fields: [Field]
    }

    /// One field (one repetition of it, when it repeats).
    struct Field: Sendable, Hashable {
        /// `PID-5`, or `PID-3(2)` for a second repetition.
        var path: String
        /// Its name in the standard, `""` when unknown.
        var name: String
        /// Its data type, `""` when unknown.
        var dataType: String
        /// The decoded value when it has one component; `""` when it has several (see ``components``).
        var value: String
        /// Its components when it has more than one: path (`PID-5.1`) and decoded value (subcomponents joined
        /// by `&`), the empty ones left out.
        var components: [Component]
    }

    /// One component of a field.
    struct Component: Sendable, Hashable {
        /// `PID-5.1`.
        var path: String
        /// The decoded value.
        var value: String
    }

    /// The segments in order.
    var segments: [Segment]

    /// The tree of `message`.
    init(_ message: HL7Message) {
        segments = message.segments.map(Self.segment)
    }

    static func segment(_ segment: HL7Segment) -> Segment {
        let definition = HL7SegmentDefinition.named(segment.name)
        var fields: [Field] = []
        for (offset, field) in segment.fields.enumerated() where !field.isEmpty {
            let number = offset + 1
            let fieldDefinition = definition?.field(number)
            let base = "\(segment.name)-\(number)"
            for (repetitionOffset, repetition) in field.repetitions.enumerated() {
                let path = field.repetitionCount > 1 ? "\(base)(\(repetitionOffset + 1))" : base
                let components = repetition.components.map { $0.subcomponents.joined(separator: "&") }
                var entry = Field(
                    path: path, name: fieldDefinition?.name ?? "", dataType: fieldDefinition?.dataType ?? "",
                    value: "", components: [])
                if components.count <= 1 {
                    entry.value = components.first ?? ""
                    if entry.value.isEmpty { continue }
                } else {
                    entry.components = components.enumerated().compactMap { index, value in
                        value.isEmpty ? nil : Component(path: "\(path).\(index + 1)", value: value)
                    }
                    if entry.components.isEmpty { continue }
                }
                fields.append(entry)
            }
        }
        return Segment(
            position: segment.position, id: segment.name, name: definition?.name ?? "", fields: fields)
    }

    /// The segment outline without values (ids, names, how many fields have a value): what a key without
    /// `phi:read` sees.
    var outline: [(position: Int, id: String, name: String, fieldCount: Int)] {
        segments.map { ($0.position, $0.id, $0.name, $0.fields.count) }
    }
}
