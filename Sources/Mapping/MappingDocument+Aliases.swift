// YAML 1.2, section 6.9.2 "Node Anchors" and 7.1 "Alias Nodes": an alias (`*name`) stands where a node starts.

extension MappingDocument {
    /// The line (1-based) of the first `*name` in `text` that YAML could read as an alias, or `nil` when there is none.
    ///
    /// Run on the text before Yams sees it. Yams composes an alias into a copy of the anchored node, then hashes
    /// every mapping key (its duplicate-key check) and builds `load`'s values through every copy: a few hundred bytes
    /// of aliases nested ten deep cost minutes or gigabytes before any limit on the composed nodes can apply. The
    /// check errs towards refusing: a `*` followed by a name character counts wherever a node can start (at the start
    /// of the text, after white space or a line break, or after one of `[ { , : ? -`), inside quotes and comments too.
    static func firstPossibleAliasLine(in text: String) -> Int? {
        var line = 1
        var previous: Unicode.Scalar?
        var starAtNodeStart = false
        for scalar in text.unicodeScalars {
            if starAtNodeStart, !isSpaceOrBreak(scalar), !isFlowIndicator(scalar) { return line }
            starAtNodeStart = scalar == "*" && previous.map { isSpaceOrBreak($0) || isNodeIndicator($0) } ?? true
            if scalar == "\n" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" { line += 1 }
            previous = scalar
        }
        return nil
    }

    /// White space and the line breaks YAML knows (a byte-order mark counts, to err towards refusing).
    private static func isSpaceOrBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}", "\u{FEFF}": true
        default: false
        }
    }

    /// The indicators after which a node can start.
    private static func isNodeIndicator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "[", "{", ",", ":", "?", "-": true
        default: false
        }
    }

    /// The characters that end an anchor name.
    private static func isFlowIndicator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "[", "]", "{", "}", ",": true
        default: false
        }
    }
}
