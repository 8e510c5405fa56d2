/// The ICD-10-CM code set (FY2026, April 1, 2026 update): every chapter, section, category and code with its
/// official title, instructional notes and 7th-character rules, and the billable codes made from them.
///
/// Loaded once from the embedded tabular text (`ICD10CM.shared`); lookups by code are dictionary reads.
public final class ICD10CM: Sendable {
    /// The code set, loaded on first use.
    public static let shared = ICD10CM(text: icd10cmTabularText)

    let nodes: [Node]
    /// Children of every node, contiguous per node (`Node.children` ranges index it).
    let children: [Int32]
    let notes: [ICD10Note]
    let chapters: [Chapter]
    let sections: [Section]
    let extensions: [[SeventhCharacter]]
    /// Code without its dot, upper case → node.
    let byCode: [String: Int32]

    /// A chapter of the tabular list.
    struct Chapter: Sendable {
        var number: String
        var title: String
        var notes: Range<Int32>
    }

    /// A block of categories (`A00-A09`).
    struct Section: Sendable {
        var first: String
        var last: String
        var title: String
        var notes: Range<Int32>
        var chapter: Int32
    }

    /// A category, subcategory or code.
    struct Node: Sendable {
        /// Without its dot.
        var code: String
        /// The listed title (empty for a made code: see `title(of:)`).
        var title: String
        var parent: Int32
        var section: Int32
        var notes: Range<Int32>
        /// Children in the list's order (for made 7th-character codes: none).
        var children: Range<Int32>
        /// The 7th-character definition that applies (index into `extensions`), or -1.
        var seventh: Int16
        var isBillable: Bool
        /// Made from a 7th-character definition rather than listed.
        var isExtended: Bool
        /// For a made code: its character's place in the definition.
        var extensionIndex: Int16 = -1
    }

    /// A node's title: a made code's is its parent's and its 7th character's meaning.
    func title(of index: Int32) -> String {
        let node = nodes[Int(index)]
        guard node.isExtended, node.parent >= 0, node.seventh >= 0, node.extensionIndex >= 0 else { return node.title }
        return nodes[Int(node.parent)].title + ", " + extensions[Int(node.seventh)][Int(node.extensionIndex)].meaning
    }

    /// What the reader builds.
    struct Tables {
        var nodes: [Node]
        var children: [Int32]
        var notes: [ICD10Note]
        var chapters: [Chapter]
        var sections: [Section]
        var extensions: [[SeventhCharacter]]
        var byCode: [String: Int32]
    }

    /// The number of billable codes.
    public let billableCount: Int
    /// The length of the tabular text it was read from, in UTF-8 bytes (generated tables name the text they fit).
    let sourceLength: Int

    init(text: StaticString) {
        var reader = TabularReader()
        text.withUTF8Buffer { reader.read($0) }
        let built = reader.finish()
        nodes = built.nodes
        children = built.children
        notes = built.notes
        chapters = built.chapters
        sections = built.sections
        extensions = built.extensions
        byCode = built.byCode
        billableCount = built.nodes.reduce(0) { $0 + ($1.isBillable ? 1 : 0) }
        sourceLength = text.utf8CodeUnitCount
    }

    /// The code's details, given with or without its dot, in any case; nil for a code that does not exist.
    public func code(_ code: String) -> ICD10Code? {
        guard let index = index(of: code) else { return nil }
        return ICD10Code(codeSet: self, index: index)
    }

    func index(of code: String) -> Int32? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8)
        for byte in code.utf8 where byte != UInt8(ascii: ".") && byte != UInt8(ascii: " ") {
            guard byte < 0x80, bytes.count < 8 else { return nil }
            bytes.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte)
        }
        guard bytes.count >= 3, bytes.count <= 7 else { return nil }
        let key = String(decoding: bytes, as: UTF8.self)
        if let found = byCode[key] { return found }
        // A code with a 7th character: its base (without the character and any X placeholders) lists it.
        guard bytes.count == 7 else { return nil }
        var base = bytes.dropLast()
        while base.count > 3, base.last == UInt8(ascii: "X") { base = base.dropLast() }
        guard let parent = byCode[String(decoding: base, as: UTF8.self)] else { return nil }
        let range = nodes[Int(parent)].children
        for child in children[Int(range.lowerBound)..<Int(range.upperBound)] where nodes[Int(child)].code == key {
            return child
        }
        return nil
    }

    /// Every billable code, in the tabular list's order.
    public var billableCodes: [ICD10Code] {
        nodes.indices.filter { nodes[$0].isBillable }.map { ICD10Code(codeSet: self, index: Int32($0)) }
    }

    /// The code with its dot after the third character (`E1140` → `E11.40`).
    static func dotted(_ code: String) -> String {
        guard code.utf8.count > 3 else { return code }
        let split = code.index(code.startIndex, offsetBy: 3)
        return code[..<split] + "." + code[split...]
    }
}

/// An instructional note of the tabular list.
public struct ICD10Note: Hashable, Sendable {
    /// What kind of note.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case inclusionTerm = "inclusion_term"
        case includes
        case excludes1
        case excludes2
        case codeFirst = "code_first"
        case useAdditionalCode = "use_additional_code"
        case codeAlso = "code_also"
        case seventhCharacterNote = "seventh_character_note"

        /// As the tabular list heads it.
        public var heading: String {
            switch self {
            case .inclusionTerm: "Inclusion term"
            case .includes: "Includes"
            case .excludes1: "Excludes1"
            case .excludes2: "Excludes2"
            case .codeFirst: "Code first"
            case .useAdditionalCode: "Use additional code"
            case .codeAlso: "Code also"
            case .seventhCharacterNote: "7th character"
            }
        }
    }

    /// The kind.
    public var kind: Kind
    /// The note's text.
    public var text: String
    /// The codes it names.
    public var references: [ICD10Reference]
}

/// A code, or a group of codes, that an instructional note names.
public enum ICD10Reference: Hashable, Sendable {
    /// One code (without its dot).
    case code(String)
    /// A code and every code below it (`E10.-`).
    case prefix(String)
    /// The categories from the first to the last (`A00-A09`).
    case range(String, String)

    /// Whether a code (without its dot) falls under it.
    public func covers(_ code: String) -> Bool {
        switch self {
        case .code(let referenced):
            return code == referenced
        case .prefix(let prefix):
            return code.hasPrefix(prefix)
        case .range(let first, let last):
            let category = String(code.prefix(3))
            return category >= String(first.prefix(3)) && category <= String(last.prefix(3))
        }
    }

    init?(_ text: Substring) {
        if let colon = text.firstIndex(of: ":") {
            self = .range(String(text[..<colon]), String(text[text.index(after: colon)...]))
        } else if text.hasSuffix("-") {
            self = .prefix(String(text.dropLast()))
        } else if !text.isEmpty {
            self = .code(String(text))
        } else {
            return nil
        }
    }
}

/// A 7th character and what it means for the codes below its definition.
public struct SeventhCharacter: Hashable, Sendable {
    /// The character (`A`, `D`, `S`, `1`, ...).
    public var character: Character
    /// Its meaning (`initial encounter`).
    public var meaning: String
}
