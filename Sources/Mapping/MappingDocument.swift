import Foundation
import Yams

/// A YAML mapping file read as nodes, so that every error names the line of the key at fault. Size, depth and the
/// number of values after aliases are resolved are bounded (aliases are how YAML bombs are built).
struct MappingDocument {
    /// The largest mapping file read, bytes.
    static let maximumBytes = 256 * 1024
    /// The deepest nesting read.
    static let maximumDepth = 8
    /// The most values (after aliases are resolved) read.
    static let maximumNodes = 20_000

    /// One mapping (`key: value` pairs) with where it is.
    struct Table {
        let key: String
        let line: Int?
        let entries: [(name: String, line: Int?, value: Node)]

        /// The value of `name`, when present.
        func value(_ name: String) -> (line: Int?, node: Node)? {
            entries.first { $0.name == name }.map { ($0.line, $0.value) }
        }

        /// The dotted key of an entry.
        func path(_ name: String) -> String { key.isEmpty ? name : "\(key).\(name)" }
    }

    let file: String

    /// The text of the mapping file at `path`, within ``maximumBytes`` and in UTF-8.
    static func text(at path: String) throws(MappingFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MappingFileError(file: path, line: nil, key: "", reason: "cannot read the file")
        }
        guard data.count <= maximumBytes else {
            throw MappingFileError(
                file: path, line: nil, key: "", reason: "the file is larger than \(maximumBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MappingFileError(file: path, line: nil, key: "", reason: "the file is not UTF-8 text")
        }
        return text
    }

    /// An error at `line` for `key`.
    func error(_ key: String, line: Int?, _ reason: String) -> MappingFileError {
        MappingFileError(file: file, line: line, key: key, reason: reason)
    }

    /// The root table of `text`.
    func root(_ text: String) throws(MappingFileError) -> Table {
        guard text.utf8.count <= Self.maximumBytes else {
            throw error("", line: nil, "the file is larger than \(Self.maximumBytes) bytes")
        }
        if let line = Self.firstPossibleAliasLine(in: text) {
            throw error("", line: line, "aliases are not allowed in mapping files")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let failure as YamlError {
            var line: Int?
            switch failure {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): line = mark.line
            case .duplicatedKeysInMapping(let duplicates, let context):
                // The context marks the mapping; the line of the key's second appearance is more use.
                let name = duplicates.first ?? ""
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().filter {
                    _, line in
                    line.drop { $0 == " " }.hasPrefix(name + ":")
                }
                let second = lines.count > 1 ? lines[1].offset + 1 : context.mark.line
                throw error(name, line: second, "the key is given twice")
            default: line = nil
            }
            throw error("", line: line, "not valid YAML")
        } catch {
            throw self.error("", line: nil, "not valid YAML")
        }
        guard let node else { throw error("", line: 1, "the file is empty") }
        var budget = Self.maximumNodes
        try checkDepth(node, depth: 0, budget: &budget)
        return try table(node, key: "")
    }

    private func checkDepth(_ node: Node, depth: Int, budget: inout Int) throws(MappingFileError) {
        guard depth <= Self.maximumDepth else {
            throw error("", line: node.mark?.line, "nested deeper than \(Self.maximumDepth) levels")
        }
        budget -= 1
        guard budget >= 0 else {
            throw error("", line: node.mark?.line, "more than \(Self.maximumNodes) values (aliases expand to too much)")
        }
        switch node {
        case .mapping(let mapping):
            for (_, value) in mapping { try checkDepth(value, depth: depth + 1, budget: &budget) }
        case .sequence(let sequence):
            for value in sequence { try checkDepth(value, depth: depth + 1, budget: &budget) }
        case .alias:
            throw error("", line: node.mark?.line, "aliases are not allowed in mapping files")
        case .scalar:
            break
        }
    }

    /// `node` as a table of string keys; unknown keys (not in `allowed`, when given) are errors.
    func table(_ node: Node, key: String, allowed: Set<String>? = nil) throws(MappingFileError) -> Table {
        guard case .mapping(let mapping) = node else {
            throw error(
                key, line: node.mark?.line,
                key.isEmpty ? "the file must be a mapping of keys" : "must be a mapping of keys")
        }
        var entries: [(name: String, line: Int?, value: Node)] = []
        var seen = Set<String>()
        for (name, value) in mapping {
            guard let text = name.scalar?.string else {
                throw error(key, line: name.mark?.line, "keys must be text")
            }
            let path = key.isEmpty ? text : "\(key).\(text)"
            if let allowed, !allowed.contains(text) {
                throw error(
                    path, line: name.mark?.line, "unknown key; expected \(allowed.sorted().joined(separator: ", "))")
            }
            guard seen.insert(text).inserted else {
                throw error(path, line: name.mark?.line, "the key is given twice")
            }
            entries.append((text, name.mark?.line, value))
        }
        return Table(key: key, line: node.mark?.line, entries: entries)
    }

    /// Refuses keys of `table` that are not in `allowed`.
    func allow(_ table: Table, _ allowed: Set<String>) throws(MappingFileError) {
        if let unknown = table.entries.first(where: { !allowed.contains($0.name) }) {
            throw error(
                table.path(unknown.name), line: unknown.line,
                "unknown key; expected \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// A scalar as text.
    func string(_ node: Node, key: String, line: Int?) throws(MappingFileError) -> String {
        guard let scalar = node.scalar else { throw error(key, line: line, "must be text") }
        return scalar.string
    }

    /// A scalar as one of `choices`.
    func choice(_ node: Node, key: String, line: Int?, _ choices: [String]) throws(MappingFileError) -> String {
        let text = try string(node, key: key, line: line)
        guard choices.contains(text) else {
            throw error(key, line: line, "must be one of \(choices.joined(separator: ", "))")
        }
        return text
    }

    /// A scalar as an integer in `range`.
    func integer(_ node: Node, key: String, line: Int?, _ range: ClosedRange<Int>) throws(MappingFileError) -> Int {
        guard let value = Int(try string(node, key: key, line: line)), range.contains(value) else {
            throw error(key, line: line, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A scalar as a boolean.
    func boolean(_ node: Node, key: String, line: Int?) throws(MappingFileError) -> Bool {
        switch try string(node, key: key, line: line).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(key, line: line, "must be true or false")
        }
    }

    /// A sequence of scalars as text.
    func strings(_ node: Node, key: String, line: Int?) throws(MappingFileError) -> [String] {
        guard case .sequence(let sequence) = node else { throw error(key, line: line, "must be a list") }
        var values: [String] = []
        for item in sequence {
            values.append(try string(item, key: key, line: item.mark?.line ?? line))
        }
        return values
    }

    /// `version: 1`, required.
    func requireVersion(_ root: Table) throws(MappingFileError) {
        guard let version = root.value("version") else { throw error("version", line: 1, "is required (version: 1)") }
        guard version.node.scalar?.string == "1" else { throw error("version", line: version.line, "must be 1") }
    }
}
