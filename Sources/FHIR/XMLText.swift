/// Escaping of text for XML: the one escaper of FHIR XML attributes, narrative XHTML and rendered notes.
public enum XMLText {
    /// Appends `text` with `&`, `<` and `>` escaped; `"` too when `quotes`, and tab, line feed and carriage
    /// return as character references when `whitespace` (an attribute value keeps them that way).
    public static func append(_ text: String, quotes: Bool = false, whitespace: Bool = false, into out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\"") where quotes: out += Array("&quot;".utf8)
            case 0x0A where whitespace: out += Array("&#xA;".utf8)
            case 0x0D where whitespace: out += Array("&#xD;".utf8)
            case 0x09 where whitespace: out += Array("&#x9;".utf8)
            default: out.append(byte)
            }
        }
    }

    /// `text` escaped as ``append(_:quotes:whitespace:into:)`` does.
    public static func escaped(_ text: String, quotes: Bool = false) -> String {
        var out: [UInt8] = []
        append(text, quotes: quotes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
