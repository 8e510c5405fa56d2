/// JSON rendering of a parsed message, for people and tools that do not read ER7.
///
/// ```json
/// {"version":"2.5","messageType":"ADT^A01","segments":[
///   {"name":"PID","position":3,"fields":[{"position":5,"repetitions":[[["DOE"],["JANE"]]]}]}]}
/// ```
/// Each field lists its repetitions; a repetition is a list of components; a component is a list of
/// decoded subcomponents. Empty fields are left out; MSH-1 and MSH-2 are given literally.
extension HL7Message {
    /// The message as a JSON object (UTF-8 text).
    public func jsonString() -> String {
        var output = "{"
        let header = self.header
        output += "\"version\":" + Self.jsonQuoted(header?.versionID ?? "")
        output += ",\"messageType\":" + Self.jsonQuoted(header?.messageType ?? "")
        output += ",\"characterSet\":" + Self.jsonQuoted(characterSet.rawValue)
        output += ",\"segments\":["
        for (segmentOffset, segment) in segments.enumerated() {
            if segmentOffset > 0 { output += "," }
            output += "{\"name\":" + Self.jsonQuoted(segment.name) + ",\"position\":\(segment.position),\"fields\":["
            var firstField = true
            for number in stride(from: 1, through: segment.fieldCount, by: 1) {
                guard let field = segment.field(number), !field.isEmpty else { continue }
                if !firstField { output += "," }
                firstField = false
                output += "{\"position\":\(number),\"repetitions\":["
                for (repetitionOffset, repetition) in field.repetitions.enumerated() {
                    if repetitionOffset > 0 { output += "," }
                    output += "["
                    for (componentOffset, component) in repetition.components.enumerated() {
                        if componentOffset > 0 { output += "," }
                        output += "[" + component.subcomponents.map(Self.jsonQuoted).joined(separator: ",") + "]"
                    }
                    output += "]"
                }
                output += "]}"
            }
            output += "]}"
        }
        output += "]}"
        return output
    }

    /// A JSON string literal.
    static func jsonQuoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
