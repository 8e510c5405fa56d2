/// Reads the generated tabular text (format in scripts/build_icd10cm.py) into the code set's arrays, over
/// UTF-8 bytes, and makes the 7th-character codes.
struct TabularReader {
    var nodes: [ICD10CM.Node] = []
    var notes: [ICD10Note] = []
    var chapters: [ICD10CM.Chapter] = []
    var sections: [ICD10CM.Section] = []
    var extensions: [[SeventhCharacter]] = []
    var byCode: [String: Int32] = [:]
    /// The open node at each depth.
    var path: [Int32] = []
    var absent: Set<String> = []
    /// What the last record was, for the notes below it.
    enum Owner {
        case none, chapter, section, node
    }
    var owner = Owner.none
    var notesStart: Int32 = 0
    /// The node whose 7th-character definition is being read.
    var definitionOwner = -1
    /// The 7th-character definition open for each depth of `path`.
    var seventhOnPath: [Int16] = []

    init() {
        nodes.reserveCapacity(122_000)
        byCode.reserveCapacity(122_000)
        notes.reserveCapacity(27_000)
    }

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) {
        // One buffer of fields for every line: neither emptied nor copied per line (that was a tenth of the time).
        var fields = [Field](repeating: Field(bytes: bytes, range: 0..<0), count: 8)
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            var count = 0
            var fieldStart = lineStart
            func add(_ range: Range<Int>) {
                if count < fields.count {
                    fields[count].range = range
                } else {
                    fields.append(Field(bytes: bytes, range: range))
                }
                count += 1
            }
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A {
                if bytes[lineEnd] == 0x09 {
                    add(fieldStart..<lineEnd)
                    fieldStart = lineEnd + 1
                }
                lineEnd += 1
            }
            add(fieldStart..<lineEnd)
            lineStart = lineEnd + 1
            guard fields[0].range.count == 1 else { continue }
            record(bytes[fields[0].range.lowerBound], fields[..<count])
        }
    }

    /// A field of a record, read as text on demand.
    struct Field {
        var bytes: UnsafeBufferPointer<UInt8>
        var range: Range<Int>
        var text: String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var first: UInt8? { range.isEmpty ? nil : bytes[range.lowerBound] }
        var integer: Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return range.isEmpty ? nil : value
        }
    }

    mutating func closeOwner() {
        let range = notesStart..<Int32(notes.count)
        switch owner {
        case .none: break
        case .chapter: chapters[chapters.count - 1].notes = range
        case .section: sections[sections.count - 1].notes = range
        case .node: nodes[nodes.count - 1].notes = range
        }
        notesStart = Int32(notes.count)
    }

    mutating func record(_ tag: UInt8, _ fields: ArraySlice<Field>) {
        switch tag {
        case UInt8(ascii: "C") where fields.count >= 3:
            closeOwner()
            chapters.append(.init(number: fields[1].text, title: fields[2].text, notes: 0..<0))
            owner = .chapter
        case UInt8(ascii: "S") where fields.count >= 4:
            closeOwner()
            sections.append(
                .init(
                    first: fields[1].text, last: fields[2].text, title: fields[3].text, notes: 0..<0,
                    chapter: Int32(chapters.count - 1)))
            owner = .section
        case UInt8(ascii: "D") where fields.count >= 4:
            closeOwner()
            guard let depth = fields[1].integer, depth <= path.count else { return }
            while path.count > depth { path.removeLast() }
            while seventhOnPath.count > depth { seventhOnPath.removeLast() }
            let index = Int32(nodes.count)
            let code = fields[2].text
            nodes.append(
                .init(
                    code: code, title: fields[3].text, parent: path.last ?? -1, section: Int32(sections.count - 1),
                    notes: 0..<0, children: 0..<0, seventh: seventhOnPath.last ?? -1, isBillable: false,
                    isExtended: false))
            byCode[code] = index
            path.append(index)
            seventhOnPath.append(seventhOnPath.last ?? -1)
            owner = .node
        case UInt8(ascii: "x") where fields.count >= 3:
            guard owner == .node, let first = fields[1].first else { return }
            let character = Character(Unicode.Scalar(first))
            if definitionOwner != nodes.count - 1 {
                definitionOwner = nodes.count - 1
                extensions.append([])
                seventhOnPath[seventhOnPath.count - 1] = Int16(extensions.count - 1)
                nodes[nodes.count - 1].seventh = Int16(extensions.count - 1)
            }
            extensions[extensions.count - 1].append(.init(character: character, meaning: fields[2].text))
        case UInt8(ascii: "-") where fields.count >= 2:
            absent.insert(fields[1].text)
        default:
            guard let kind = Self.noteKind(tag), fields.count >= 2 else { return }
            let references = fields.count >= 3 && !fields[2].range.isEmpty
                ? fields[2].text.split(separator: ",").compactMap(ICD10Reference.init) : []
            notes.append(.init(kind: kind, text: fields[1].text, references: references))
        }
    }

    static func noteKind(_ tag: UInt8) -> ICD10Note.Kind? {
        switch tag {
        case UInt8(ascii: "i"): .inclusionTerm
        case UInt8(ascii: "n"): .includes
        case UInt8(ascii: "1"): .excludes1
        case UInt8(ascii: "2"): .excludes2
        case UInt8(ascii: "f"): .codeFirst
        case UInt8(ascii: "u"): .useAdditionalCode
        case UInt8(ascii: "a"): .codeAlso
        case UInt8(ascii: "h"): .seventhCharacterNote
        default: nil
        }
    }

    /// Links children, marks the billable codes and makes the 7th-character ones (after every listed node,
    /// so that listed codes keep the list's order).
    mutating func finish() -> ICD10CM.Tables {
        closeOwner()
        // The list is depth-first: a node's children follow it, in order. `childTable` lists them contiguously
        // per parent; `Node.children` is the parent's range in it.
        let listed = nodes.count
        var childCount = [Int32](repeating: 0, count: listed)
        for node in nodes where node.parent >= 0 { childCount[Int(node.parent)] += 1 }
        var running: Int32 = 0
        for index in 0..<listed {
            nodes[index].children = running..<(running + childCount[index])
            running += childCount[index]
        }
        var childTable = [Int32](repeating: 0, count: Int(running))
        var filled = [Int32](repeating: 0, count: listed)
        for index in 0..<listed {
            let parent = Int(nodes[index].parent)
            guard parent >= 0 else { continue }
            childTable[Int(nodes[parent].children.lowerBound + filled[parent])] = Int32(index)
            filled[parent] += 1
        }
        // Each leaf under a 7th-character definition gets one code per character, padded with X to six.
        for index in 0..<listed where childCount[index] == 0 {
            let seventh = nodes[index].seventh
            guard seventh >= 0 else {
                nodes[index].isBillable = true
                continue
            }
            var padded = nodes[index].code
            while padded.utf8.count < 6 { padded += "X" }
            let start = Int32(childTable.count)
            for (place, definition) in extensions[Int(seventh)].enumerated() {
                let code = padded + String(definition.character)
                guard absent.isEmpty || !absent.contains(code) else { continue }
                childTable.append(Int32(nodes.count))
                nodes.append(
                    .init(
                        code: code, title: "", parent: Int32(index), section: nodes[index].section, notes: 0..<0,
                        children: 0..<0, seventh: seventh, isBillable: true, isExtended: true,
                        extensionIndex: Int16(place)))
            }
            nodes[index].children = start..<Int32(childTable.count)
        }
        return .init(
            nodes: nodes, children: childTable, notes: notes, chapters: chapters, sections: sections,
            extensions: extensions, byCode: byCode)
    }
}
