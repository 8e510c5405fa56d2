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
        var lineStart = 0
        var fields: [Substring] = []
        fields.reserveCapacity(5)
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let line = Substring(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self)
            lineStart = lineEnd + 1
            fields.removeAll(keepingCapacity: true)
            fields.append(contentsOf: line.split(separator: "\t", omittingEmptySubsequences: false))
            guard let tag = fields.first, tag.utf8.count == 1 else { continue }
            record(tag, fields)
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

    mutating func record(_ tag: Substring, _ fields: [Substring]) {
        switch tag {
        case "C" where fields.count >= 3:
            closeOwner()
            chapters.append(.init(number: String(fields[1]), title: String(fields[2]), notes: 0..<0))
            owner = .chapter
        case "S" where fields.count >= 4:
            closeOwner()
            sections.append(
                .init(
                    first: String(fields[1]), last: String(fields[2]), title: String(fields[3]), notes: 0..<0,
                    chapter: Int32(chapters.count - 1)))
            owner = .section
        case "D" where fields.count >= 4:
            closeOwner()
            guard let depth = Int(fields[1]), depth <= path.count else { return }
            path.removeLast(path.count - depth)
            seventhOnPath.removeLast(seventhOnPath.count - depth)
            let index = Int32(nodes.count)
            let code = String(fields[2])
            nodes.append(
                .init(
                    code: code, title: String(fields[3]), parent: path.last ?? -1, section: Int32(sections.count - 1),
                    notes: 0..<0, children: 0..<0, seventh: seventhOnPath.last ?? -1, isBillable: false,
                    isExtended: false))
            byCode[code] = index
            path.append(index)
            seventhOnPath.append(seventhOnPath.last ?? -1)
            owner = .node
        case "x" where fields.count >= 3:
            guard owner == .node, let character = fields[1].first else { return }
            if definitionOwner != nodes.count - 1 {
                definitionOwner = nodes.count - 1
                extensions.append([])
                seventhOnPath[seventhOnPath.count - 1] = Int16(extensions.count - 1)
                nodes[nodes.count - 1].seventh = Int16(extensions.count - 1)
            }
            extensions[extensions.count - 1].append(.init(character: character, meaning: String(fields[2])))
        case "-" where fields.count >= 2:
            absent.insert(String(fields[1]))
        default:
            guard let kind = Self.noteKinds[tag], fields.count >= 2 else { return }
            let references = fields.count >= 3 ? fields[2].split(separator: ",").compactMap(ICD10Reference.init) : []
            notes.append(.init(kind: kind, text: String(fields[1]), references: references))
        }
    }

    static let noteKinds: [Substring: ICD10Note.Kind] = [
        "i": .inclusionTerm, "n": .includes, "1": .excludes1, "2": .excludes2, "f": .codeFirst,
        "u": .useAdditionalCode, "a": .codeAlso, "h": .seventhCharacterNote,
    ]

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
            for definition in extensions[Int(seventh)] {
                let code = padded + String(definition.character)
                guard !absent.contains(code) else { continue }
                byCode[code] = Int32(nodes.count)
                childTable.append(Int32(nodes.count))
                nodes.append(
                    .init(
                        code: code, title: nodes[index].title + ", " + definition.meaning, parent: Int32(index),
                        section: nodes[index].section, notes: 0..<0, children: 0..<0, seventh: seventh,
                        isBillable: true, isExtended: true))
            }
            nodes[index].children = start..<Int32(childTable.count)
        }
        return .init(
            nodes: nodes, children: childTable, notes: notes, chapters: chapters, sections: sections,
            extensions: extensions, byCode: byCode)
    }
}
