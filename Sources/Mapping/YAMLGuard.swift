import Yams

/// The checks every YAML file NoteBridge reads goes through before Yams builds values from it: mapping files and
/// `notebridge.yaml` alike. Yams composes an alias into a copy of the anchored node, so a few hundred bytes of nested
/// aliases cost minutes and gigabytes; and its constructor stops the process on a mapping key that is not a plain
/// value (`? [a, b] : c`).
public enum YAMLGuard {
    /// The line (1-based) of the first `*name` that YAML could read as an alias, or `nil` when there is none; run on
    /// the text before Yams sees it (it errs towards refusing).
    public static func firstPossibleAliasLine(in text: String) -> Int? {
        MappingDocument.firstPossibleAliasLine(in: text)
    }

    /// Whether every mapping key in `node`, at every level, is a plain value (a scalar): only then may `node.any`
    /// or `Yams.load` build values from it.
    public static func hasScalarKeys(_ node: Node) -> Bool {
        NoteFHIRMapping.hasScalarKeys(node)
    }
}
