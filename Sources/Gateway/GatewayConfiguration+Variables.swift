import Foundation

extension GatewayConfiguration {
    /// Replaces every `${NAME}` in a configuration value with the environment variable `NAME`; an unset variable
    /// is an error naming the key (never the value). `$${` stands for a literal `${`.
    static func expandingVariables(_ value: String, key: String, environment: [String: String]) throws -> String {
        guard value.contains("${") else { return value }
        var output = ""
        var rest = Substring(value)
        while let start = rest.range(of: "${") {
            if start.lowerBound > rest.startIndex, rest[rest.index(before: start.lowerBound)] == "$" {
                output += rest[..<rest.index(before: start.lowerBound)] + "${"
                rest = rest[start.upperBound...]
                continue
            }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw ConfigurationError(key: key, reason: "an unterminated ${ in the value")
            }
            let name = String(rest[start.upperBound..<end])
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError(key: key, reason: "${...} must name an environment variable (letters, digits, _)")
            }
            guard let replacement = environment[name] else {
                throw ConfigurationError(key: key, reason: "the environment variable \(name) is not set")
            }
            output += rest[..<start.lowerBound] + replacement
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }
}
