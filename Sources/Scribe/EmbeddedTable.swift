/// Reads the generated tab-separated tables embedded in the Scribe (`name<TAB>number<TAB>number…` lines,
/// leading spaces ignored), over UTF-8 bytes, so that loading costs milliseconds at start-up.
enum EmbeddedTable {
    /// Every row with at least one value.
    static func rows(_ table: String) -> [(name: String, values: [Double])] {
        var rows: [(name: String, values: [Double])] = []
        var table = table
        table.withUTF8 { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                var fieldStart = lineStart
                while fieldStart < lineEnd, bytes[fieldStart] == 0x20 { fieldStart += 1 }
                var fields: [String] = []
                var position = fieldStart
                while position <= lineEnd {
                    if position == lineEnd || bytes[position] == 0x09 {
                        fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<position]), as: UTF8.self))
                        fieldStart = position + 1
                    }
                    position += 1
                }
                if fields.count >= 2 {
                    rows.append((fields[0], fields.dropFirst().map { Double($0) ?? 0 }))
                }
                lineStart = lineEnd + 1
            }
        }
        return rows
    }
}
