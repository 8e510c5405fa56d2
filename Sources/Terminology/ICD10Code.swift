/// One ICD-10-CM category, subcategory or code, read from the code set.
public struct ICD10Code: Hashable, Sendable, CustomStringConvertible {
    let codeSet: ICD10CM
    let index: Int32

    var node: ICD10CM.Node { codeSet.nodes[Int(index)] }

    /// The code with its dot (`E11.40`, `S93.401A`).
    public var code: String { ICD10CM.dotted(node.code) }
    /// The code without its dot (`E1140`).
    public var compactCode: String { node.code }
    /// The official title (for a code made with a 7th character: its parent's title and the character's
    /// meaning, as the code tables write it).
    public var title: String { codeSet.title(of: index) }
    /// Complete: no code below it. Only billable codes are reported on a claim.
    public var isBillable: Bool { node.isBillable }
    /// The three-character category (`E11`).
    public var category: String { String(node.code.prefix(3)) }

    /// The code above it; nil for a category.
    public var parent: ICD10Code? {
        node.parent >= 0 ? ICD10Code(codeSet: codeSet, index: node.parent) : nil
    }

    /// The codes directly below it.
    public var children: [ICD10Code] {
        codeSet.children[Int(node.children.lowerBound)..<Int(node.children.upperBound)].map {
            ICD10Code(codeSet: codeSet, index: $0)
        }
    }

    /// Every billable code at or below it.
    public var billableDescendants: [ICD10Code] {
        var found: [ICD10Code] = []
        var stack = [index]
        while let next = stack.popLast() {
            let node = codeSet.nodes[Int(next)]
            if node.isBillable { found.append(ICD10Code(codeSet: codeSet, index: next)) }
            stack.append(contentsOf: codeSet.children[Int(node.children.lowerBound)..<Int(node.children.upperBound)].reversed())
        }
        return found
    }

    /// The chapter: its number and title.
    public var chapter: (number: String, title: String) {
        let chapter = codeSet.chapters[Int(codeSet.sections[Int(node.section)].chapter)]
        return (chapter.number, chapter.title)
    }

    /// The section (block of categories): its range and title.
    public var section: (range: String, title: String) {
        let section = codeSet.sections[Int(node.section)]
        return (section.first == section.last ? section.first : "\(section.first)-\(section.last)", section.title)
    }

    /// The notes written under this code itself.
    public var notes: [ICD10Note] {
        Array(codeSet.notes[Int(node.notes.lowerBound)..<Int(node.notes.upperBound)])
    }

    /// The notes that apply to it, its own first, then those of each code above it, its section and its
    /// chapter, each with where it is written (`E11`, `E08-E13`, `chapter 4`). Inclusion terms apply only
    /// where written.
    public var applicableNotes: [(source: String, note: ICD10Note)] {
        var found: [(String, ICD10Note)] = []
        var current: ICD10Code? = self
        while let code = current {
            for note in code.notes where code == self || note.kind != .inclusionTerm {
                found.append((code.code, note))
            }
            current = code.parent
        }
        let section = codeSet.sections[Int(node.section)]
        for note in codeSet.notes[Int(section.notes.lowerBound)..<Int(section.notes.upperBound)] {
            found.append((self.section.range, note))
        }
        let chapter = codeSet.chapters[Int(section.chapter)]
        for note in codeSet.notes[Int(chapter.notes.lowerBound)..<Int(chapter.notes.upperBound)] {
            found.append(("chapter \(chapter.number)", note))
        }
        return found
    }

    /// The 7th characters that apply to the codes at and below it (empty where none do).
    public var seventhCharacters: [SeventhCharacter] {
        node.seventh >= 0 ? codeSet.extensions[Int(node.seventh)] : []
    }

    /// Whether an Excludes1 note that applies to this code names the other code: the two are never
    /// reported together.
    public func excludes1(_ other: ICD10Code) -> Bool {
        let target = other.compactCode
        func names(_ range: Range<Int32>) -> Bool {
            for note in codeSet.notes[Int(range.lowerBound)..<Int(range.upperBound)] where note.kind == .excludes1 {
                if note.references.contains(where: { $0.covers(target) }) { return true }
            }
            return false
        }
        var current = index
        while current >= 0 {
            let node = codeSet.nodes[Int(current)]
            if names(node.notes) { return true }
            current = node.parent
        }
        let section = codeSet.sections[Int(node.section)]
        return names(section.notes) || names(codeSet.chapters[Int(section.chapter)].notes)
    }

    /// `E11.40 Type 2 diabetes mellitus with diabetic neuropathy, unspecified`.
    public var description: String { "\(code) \(title)" }

    public static func == (lhs: ICD10Code, rhs: ICD10Code) -> Bool { lhs.index == rhs.index }
    public func hash(into hasher: inout Hasher) { hasher.combine(index) }
}
