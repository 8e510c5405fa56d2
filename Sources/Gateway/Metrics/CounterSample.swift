import Foundation

/// The values of the gateway's counters at one moment, read from the Prometheus text exposition that `/metrics`
/// answers (version 0.0.4), so that what the dashboard shows is exactly what `/metrics` exports.
struct CounterSample: Sendable, Hashable {
    /// One series: a metric name and its labels.
    struct Series: Sendable, Hashable {
        var name: String
        var labels: [String: String]
    }

    /// When it was read.
    var time: Date
    /// Every series' value.
    var values: [Series: Double]

    /// The series of `exposition` whose names are in `names` (comments and other metrics skipped; a line that does
    /// not parse is skipped).
    init(exposition: [UInt8], names: Set<String>, time: Date) {
        self.time = time
        var values: [Series: Double] = [:]
        for line in String(decoding: exposition, as: UTF8.self).split(separator: "\n") {
            guard !line.hasPrefix("#"), let series = Self.parse(line), names.contains(series.0.name) else { continue }
            values[series.0] = series.1
        }
        self.values = values
    }

    /// An empty sample (every counter at zero), for the time before the first.
    init(time: Date) {
        self.time = time
        self.values = [:]
    }

    /// The sum of the series named `name` whose labels include every pair of `matching`, grouped by the value of
    /// label `key`.
    func sums(_ name: String, by key: String, matching: [String: String] = [:]) -> [String: Double] {
        var sums: [String: Double] = [:]
        for (series, value) in values where series.name == name {
            guard matching.allSatisfy({ series.labels[$0.key] == $0.value }), let group = series.labels[key] else {
                continue
            }
            sums[group, default: 0] += value
        }
        return sums
    }

    /// `name{a="1",b="2"} 3`: the series and its value.
    static func parse(_ line: Substring) -> (Series, Double)? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard let space = text.lastIndex(of: " "), let value = Double(text[text.index(after: space)...]) else {
            return nil
        }
        let head = text[..<space]
        guard let brace = head.firstIndex(of: "{") else {
            return (Series(name: String(head), labels: [:]), value)
        }
        guard head.hasSuffix("}") else { return nil }
        guard let labels = parseLabels(head[head.index(after: brace)..<head.index(before: head.endIndex)]) else {
            return nil
        }
        return (Series(name: String(head[..<brace]), labels: labels), value)
    }

    /// `a="1",b="x\"y"`: label values with `\\`, `\"` and `\n` escapes.
    static func parseLabels(_ text: Substring) -> [String: String]? {
        var labels: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            guard let equals = text[index...].firstIndex(of: "=") else { return nil }
            let name = text[index..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            var cursor = text.index(after: equals)
            guard cursor < text.endIndex, text[cursor] == "\"" else { return nil }
            cursor = text.index(after: cursor)
            var value = ""
            var closed = false
            while cursor < text.endIndex {
                let character = text[cursor]
                if character == "\\" {
                    cursor = text.index(after: cursor)
                    guard cursor < text.endIndex else { return nil }
                    value.append(text[cursor] == "n" ? "\n" : text[cursor])
                } else if character == "\"" {
                    closed = true
                    cursor = text.index(after: cursor)
                    break
                } else {
                    value.append(character)
                }
                cursor = text.index(after: cursor)
            }
            guard closed else { return nil }
            labels[name] = value
            index = cursor
        }
        return labels
    }
}
