/// Whole-sentence tests answered on UTF-8 bytes for ASCII text (nearly all), instead of walking the sentence's
/// characters (grapheme breaking per character). In ASCII text every character is one byte except a carriage
/// return before a line feed, so a byte search finds what a character search finds when neither text holds a
/// carriage return; other text is answered the general way.
extension String {
    /// `contains(other)`.
    func containsText(_ other: String) -> Bool {
        let answer: Bool?? = utf8.withContiguousStorageIfAvailable { text -> Bool? in
            other.utf8.withContiguousStorageIfAvailable { pattern -> Bool? in
                guard Self.isPlainASCII(text), Self.isPlainASCII(pattern), let first = pattern.first else { return nil }
                guard pattern.count <= text.count else { return false }
                for start in 0...(text.count - pattern.count) where text[start] == first {
                    var offset = 1
                    while offset < pattern.count, text[start + offset] == pattern[offset] { offset += 1 }
                    if offset == pattern.count { return true }
                }
                return false
            } ?? nil
        }
        if let answer = answer ?? nil { return answer }
        return contains(other)
    }

    /// `contains(where: \.isNumber)`: in ASCII the only numeric characters are the digits.
    var containsNumber: Bool {
        let answer: Bool?? = utf8.withContiguousStorageIfAvailable { text -> Bool? in
            guard Self.isPlainASCII(text) else { return nil }
            return text.contains { $0 >= 0x30 && $0 <= 0x39 }
        }
        if let answer = answer ?? nil { return answer }
        return contains(where: \.isNumber)
    }

    /// Whether the bytes are ASCII without a carriage return (each byte one character).
    private static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte >= 0x80 || byte == 0x0D { return false }
        return true
    }
}
