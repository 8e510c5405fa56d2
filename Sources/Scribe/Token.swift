/// A word, number or punctuation mark of a sentence, located in the transcript.
struct Token: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case word
        case number
        case punctuation
    }

    /// Lower-cased text.
    var text: String
    var kind: Kind
    /// Unicode-scalar offsets in the transcript.
    var range: Range<Int>
    /// Whether the word may start a phrase of the entity word lists or a spoken number; the extractor
    /// clears it for the other words, so matching skips them without a dictionary lookup.
    var candidate = true

    /// The value of a numeral written with digits.
    var number: Double? {
        kind == .number ? Double(text) : nil
    }

    /// Splits a sentence into tokens: runs of letters (with inner apostrophes and hyphens between letters),
    /// runs of digits (with one inner decimal point), and single punctuation marks; white space separates.
    static func tokens(of text: String, at offset: Int) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 3)
        var index = 0
        func isLetter(_ i: Int) -> Bool { i < scalars.count && scalars[i].isLetter }
        func isDigit(_ i: Int) -> Bool { i < scalars.count && ("0"..."9").contains(scalars[i]) }
        while index < scalars.count {
            let start = index
            let kind: Kind
            if isDigit(index) {
                index += 1
                var seenPoint = false
                while index < scalars.count {
                    if isDigit(index) {
                        index += 1
                    } else if scalars[index] == ".", !seenPoint, isDigit(index + 1) {
                        seenPoint = true
                        index += 1
                    } else if scalars[index] == ",", isDigit(index + 1), isDigit(index + 2), isDigit(index + 3),
                        !isDigit(index + 4)
                    {
                        index += 1  // a thousands separator
                    } else {
                        break
                    }
                }
                kind = .number
            } else if isLetter(index) {
                index += 1
                while index < scalars.count {
                    if isLetter(index) || isDigit(index) {
                        index += 1
                    } else if scalars[index] == "'" || scalars[index] == "’" || scalars[index] == "-",
                        isLetter(index + 1),
                        index > start
                    {
                        index += 1
                    } else {
                        break
                    }
                }
                kind = .word
            } else if scalars[index].isSpace {
                index += 1
                continue
            } else {
                index += 1
                kind = .punctuation
            }
            var word =
                lowercasedASCII(scalars[start..<index])
                ?? Transcript.string(scalars[start..<index]).lowercased().replacingApostrophes()
            if kind == .number { word.removeAll { $0 == "," } }
            tokens.append(Token(text: word, kind: kind, range: (offset + start)..<(offset + index)))
        }
        return tokens
    }
}

extension Token {
    /// `lowercased()` of ASCII scalars (which maps only `A`–`Z`), written straight into the new string's storage;
    /// `nil` when a scalar is outside ASCII.
    static func lowercasedASCII(_ slice: ArraySlice<Unicode.Scalar>) -> String? {
        for scalar in slice where scalar.value >= 0x80 { return nil }
        return String(unsafeUninitializedCapacity: slice.count) { buffer in
            for (offset, scalar) in slice.enumerated() { buffer[offset] = LowercasedBytes.lowered(UInt8(scalar.value)) }
            return slice.count
        }
    }
}

extension String {
    /// The string with typographic apostrophes made plain.
    func replacingApostrophes() -> String {
        // `’` is E2 80 99 in UTF-8: a byte scan rules it out quickly.
        guard utf8.contains(0xE2), contains("’") else { return self }
        return String(map { $0 == "’" ? "'" : $0 })
    }
}

/// Numbers said as words (`one forty two` is 142, `ninety nine point one` is 99.1).
package enum SpokenNumber {
    package static let units: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    /// Every word a spoken number can start with.
    static let words: Set<String> = Set(units.keys).union(tens.keys)

    static let tens: [String: Int] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    ]

    /// The number a word or the two words ending at `index` say (`35`, `thirty five`, `forty`).
    package static func value(endingAt index: Int, in words: [String]) -> Int? {
        guard index >= 0, index < words.count else { return nil }
        if let number = Int(words[index]) { return number }
        if let ten = tens[words[index]] { return ten }
        guard let unit = units[words[index]] else { return nil }
        if index > 0, unit < 10, let ten = tens[words[index - 1]] { return ten + unit }
        return unit
    }

    /// The number starting at `index`, in digits or words, and how many tokens it takes.
    static func read(_ tokens: [Token], at index: Int) -> (value: Double, count: Int)? {
        guard index < tokens.count, tokens[index].candidate else { return nil }
        if let value = tokens[index].number { return (value, 1) }
        guard let (whole, count) = readWhole(tokens, at: index) else { return nil }
        // `ninety nine point one`; `ninety eight . four` or `seven . three` where speech recognition wrote the
        // point inside a sentence (the splitter judged it a decimal), and not `. five days`.
        if index + count + 1 < tokens.count,
            tokens[index + count].text == "point"
                || tokens[index + count].text == "."
                    && !(index + count + 2 < tokens.count && timeUnits.contains(tokens[index + count + 2].text)),
            let digit = units[tokens[index + count + 1].text], digit < 10
        {
            return (Double(whole) + Double(digit) / 10, count + 2)
        }
        return (Double(whole), count)
    }

    static let timeUnits: Set<String> = [
        "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute", "minutes",
        "times", "time",
    ]

    /// Whether a lower-case word can be a number word, by its first byte and length (no hashing).
    @inline(__always) static func mayBeNumberWord(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        let length = text.utf8.count
        return length >= 3 && length <= 9 && initialTable[Int(first)]
    }

    static let initialTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for word in units.keys { if let first = word.utf8.first { table[Int(first)] = true } }
        for word in tens.keys { if let first = word.utf8.first { table[Int(first)] = true } }
        return table
    }()

    static func readWhole(_ tokens: [Token], at index: Int) -> (Int, Int)? {
        func below100(_ i: Int) -> (Int, Int)? {
            guard i < tokens.count, mayBeNumberWord(tokens[i].text) else { return nil }
            if let ten = tens[tokens[i].text] {
                if i + 1 < tokens.count, let unit = units[tokens[i + 1].text], unit > 0, unit < 10 {
                    return (ten + unit, 2)
                }
                return (ten, 1)
            }
            if let unit = units[tokens[i].text] { return (unit, 1) }
            return nil
        }
        guard let (first, firstCount) = below100(index) else { return nil }
        var next = index + firstCount
        /// `one hundred (and) two`, `twenty three hundred` (2300) from `at`, said after a number below 100.
        func hundreds(_ said: Int, at start: Int) -> (Int, Int)? {
            var next = start
            guard said > 0, next < tokens.count, tokens[next].text == "hundred" else { return nil }
            next += 1
            if next < tokens.count, tokens[next].text == "and" { next += 1 }
            if let (rest, restCount) = below100(next) { return (said * 100 + rest, next + restCount - start) }
            return (said * 100, next - start)
        }
        // `two thousand (and) eighteen`, `five thousand five hundred`.
        if first > 0, next < tokens.count, tokens[next].text == "thousand" {
            next += 1
            if next < tokens.count, tokens[next].text == "and" { next += 1 }
            if let (rest, restCount) = below100(next) {
                if rest < 10, let (hundred, hundredCount) = hundreds(rest, at: next + restCount) {
                    return (first * 1000 + hundred, next + restCount + hundredCount - index)
                }
                return (first * 1000 + rest, next + restCount - index)
            }
            return (first * 1000, next - index)
        }
        if let (value, count) = hundreds(first, at: next) { return (value, firstCount + count) }
        // `one forty two` (said for 142): a digit followed by a tens word.
        if first < 10, first > 0, firstCount == 1, next < tokens.count, tens[tokens[next].text] != nil,
            let (rest, restCount) = below100(next)
        {
            return (first * 100 + rest, 1 + restCount)
        }
        return (first, firstCount)
    }
}

extension Unicode.Scalar {
    /// `properties.isWhitespace`, answered without the property tables for ASCII.
    var isSpace: Bool {
        value < 0x80 ? value == 0x20 || (0x09...0x0D).contains(value) : properties.isWhitespace
    }

    /// `properties.isAlphabetic`, answered without the property tables for ASCII.
    var isLetter: Bool {
        value < 0x80 ? (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) : properties.isAlphabetic
    }

    /// Whether the scalar has a numeric value (`properties.numericType != nil`), fast for ASCII.
    var isNumeral: Bool {
        value < 0x80 ? (0x30...0x39).contains(value) : properties.numericType != nil
    }
}
