import Scribe

/// A note's statements beside its transcript, for the playground: the transcript cut at every evidence boundary
/// into pieces, each piece naming the statements whose evidence covers it, so that selecting a statement can
/// highlight its spans and selecting transcript text can name its statements.
struct EvidenceView: Sendable, Hashable {
    /// A run of transcript text and the statements (indexes into ``statements``) it supports.
    struct Piece: Sendable, Hashable {
        var text: String
        var statements: [Int]
    }

    /// A statement of the note.
    struct Statement: Sendable, Hashable {
        var index: Int
        var section: String
        var subsection: String?
        var text: String
    }

    var pieces: [Piece]
    var statements: [Statement]

    /// Cuts `transcript` by the evidence of `noteStatements` (Unicode-scalar ranges, end exclusive; ranges outside
    /// the transcript are clipped).
    init(transcript: String, statements noteStatements: [NoteStatement]) {
        let scalars = Array(transcript.unicodeScalars)
        var boundaries: Set<Int> = [0, scalars.count]
        let clipped = noteStatements.map { statement in
            statement.evidence.compactMap { range -> Range<Int>? in
                let lower = min(max(range.lowerBound, 0), scalars.count)
                let upper = min(max(range.upperBound, lower), scalars.count)
                return lower < upper ? lower..<upper : nil
            }
        }
        for ranges in clipped {
            for range in ranges {
                boundaries.insert(range.lowerBound)
                boundaries.insert(range.upperBound)
            }
        }
        let points = boundaries.sorted()
        var pieces: [Piece] = []
        for (start, end) in zip(points, points.dropFirst()) where start < end {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[start..<end])
            let covering = clipped.indices.filter { index in
                clipped[index].contains { $0.lowerBound <= start && end <= $0.upperBound }
            }
            pieces.append(Piece(text: String(text), statements: covering))
        }
        self.pieces = pieces
        self.statements = noteStatements.enumerated().map { index, statement in
            Statement(
                index: index, section: statement.section.rawValue, subsection: statement.subsection,
                text: statement.text)
        }
    }
}
