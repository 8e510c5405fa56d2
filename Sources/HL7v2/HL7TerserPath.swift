/// A terser-style path to one element of a message: `PID-5.1`, `OBX(2)-5`, `PID-3(2).1`, `PID-5-1-2`.
///
/// Syntax: `SEG[(occurrence)]-field[(repetition)][.component[.subcomponent]]`, all numbers 1-based;
/// `-` may stand for `.` between field, component and subcomponent (HAPI's form).
public struct HL7TerserPath: Hashable, Sendable, CustomStringConvertible {
    /// The segment name.
    public var segment: String
    /// Which occurrence of the segment (1-based).
    public var occurrence: Int
    /// The field position.
    public var field: Int
    /// The field repetition (1-based).
    public var repetition: Int
    /// The component, or `nil` for the field as a whole.
    public var component: Int?
    /// The subcomponent, or `nil` for the component as a whole.
    public var subcomponent: Int?

    /// Creates a path from its parts.
    public init(
        segment: String, occurrence: Int = 1, field: Int, repetition: Int = 1, component: Int? = nil,
        subcomponent: Int? = nil
    ) {
        self.segment = segment
        self.occurrence = occurrence
        self.field = field
        self.repetition = repetition
        self.component = component
        self.subcomponent = subcomponent
    }

    /// Parses a path; throws `HL7ParseError.Code.invalidPath`.
    public init(parsing text: String) throws(HL7ParseError) {
        var scanner = Substring(text)
        func fail() -> HL7ParseError {
            HL7ParseError(.invalidPath, "a terser path reads SEG(n)-field(r).component.subcomponent")
        }
        func number(_ scanner: inout Substring) -> Int? {
            let digits = scanner.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 6, let value = Int(digits), value >= 1 else { return nil }
            scanner = scanner.dropFirst(digits.count)
            return value
        }
        func parenthesized(_ scanner: inout Substring) -> Int?? {
            guard scanner.first == "(" else { return .some(nil) }
            scanner = scanner.dropFirst()
            guard let value = number(&scanner), scanner.first == ")" else { return nil }
            scanner = scanner.dropFirst()
            return .some(value)
        }
        let name = scanner.prefix(3)
        guard name.count == 3, name.utf8.allSatisfy(HL7Byte.isSegmentNameCharacter) else { throw fail() }
        scanner = scanner.dropFirst(3)
        guard let occurrence = parenthesized(&scanner) else { throw fail() }
        guard scanner.first == "-" || scanner.first == "." else { throw fail() }
        scanner = scanner.dropFirst()
        guard let field = number(&scanner), let repetition = parenthesized(&scanner) else { throw fail() }
        var component: Int?
        var subcomponent: Int?
        if scanner.first == "." || scanner.first == "-" {
            scanner = scanner.dropFirst()
            guard let value = number(&scanner) else { throw fail() }
            component = value
            if scanner.first == "." || scanner.first == "-" {
                scanner = scanner.dropFirst()
                guard let value = number(&scanner) else { throw fail() }
                subcomponent = value
            }
        }
        guard scanner.isEmpty else { throw fail() }
        self.init(
            segment: String(name), occurrence: occurrence ?? 1, field: field, repetition: repetition ?? 1,
            component: component, subcomponent: subcomponent)
    }

    /// The canonical text: `OBX(2)-5(1).3.1` with defaults left out.
    public var description: String {
        var text = segment
        if occurrence != 1 { text += "(\(occurrence))" }
        text += "-\(field)"
        if repetition != 1 { text += "(\(repetition))" }
        if let component { text += ".\(component)" }
        if let subcomponent { text += ".\(subcomponent)" }
        return text
    }
}

/// What a message holds at a path: nothing, an empty value, HL7's null `""`, or a value.
public enum HL7Presence: Hashable, Sendable {
    /// The segment, field, repetition or component does not exist.
    case absent
    /// The element exists but is empty.
    case empty
    /// The element is `""`: the sender asks the receiver to delete the value.
    case null
    /// The decoded value.
    case value(String)
}

extension HL7Message {
    /// The decoded primitive at a terser path (component and subcomponent default to 1, as HAPI's terser
    /// reads); `nil` when the path is invalid or the element is absent.
    public subscript(path: String) -> String? {
        guard let parsed = try? HL7TerserPath(parsing: path) else { return nil }
        return value(at: parsed)
    }

    /// The decoded primitive at a path, `nil` when absent.
    public func value(at path: HL7TerserPath) -> String? {
        guard let component = componentView(at: path) else { return nil }
        return component.subcomponent(path.subcomponent ?? 1)
    }

    /// Whether the element at a path is absent, empty, null or has a value.
    public func presence(at path: HL7TerserPath) -> HL7Presence {
        guard let value = value(at: path) else { return .absent }
        if value.isEmpty { return .empty }
        if let raw = encodedValue(at: path), raw == "\"\"" { return .null }
        return .value(value)
    }

    /// The ER7 text of the addressed element as received (escapes not resolved): for `MSH-9` the whole
    /// field, `ADT^A01^ADT_A01`.
    public func encodedValue(at path: HL7TerserPath) -> String? {
        guard let segment = segment(path.segment, occurrence: path.occurrence),
            let field = segment.field(path.field)
        else { return nil }
        guard let repetition = field.repetition(path.repetition) else { return nil }
        guard let componentNumber = path.component else {
            return field.repetitionCount == 1 && path.repetition == 1 ? field.encodedValue : repetition.encodedValue
        }
        guard let component = repetition.component(componentNumber) else { return nil }
        guard let subcomponentNumber = path.subcomponent else { return component.encodedValue }
        guard subcomponentNumber <= component.subcomponentCount else { return nil }
        let span = storage.index.subcomponents[Int(storage.index.components[component.index].firstChild) + subcomponentNumber - 1]
        return storage.text(span)
    }

    private func componentView(at path: HL7TerserPath) -> HL7Component? {
        segment(path.segment, occurrence: path.occurrence)?
            .field(path.field)?
            .repetition(path.repetition)?
            .component(path.component ?? 1)
    }
}
