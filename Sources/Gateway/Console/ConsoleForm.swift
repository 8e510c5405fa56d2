import Foundation

/// A decoded `application/x-www-form-urlencoded` body (the HTML forms of the console), per the WHATWG URL
/// standard's form parsing: `&`-separated pairs, `+` as a space, percent escapes as UTF-8.
struct ConsoleForm: Sendable {
    /// The pairs in order (a name may repeat, as checkboxes do).
    var pairs: [(name: String, value: String)]

    /// Parses a body; a byte sequence that is not UTF-8 after unescaping is refused with the field's name.
    init(parsing bytes: [UInt8]) throws(ConsoleError) {
        pairs = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let pieces = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(pieces[0], field: nil)
            let value = pieces.count > 1 ? try Self.decode(pieces[1], field: name) : ""
            pairs.append((name, value))
        }
    }

    /// The first value of `name`.
    subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`.
    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    static func decode(_ bytes: ArraySlice<UInt8>, field: String?) throws(ConsoleError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw ConsoleError.badRequest("the form field \(field ?? "name") is not UTF-8 text")
        }
        return text
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// What a console request did wrong, shown as an HTML error page with its status (never PHI, never internals).
struct ConsoleError: Error, Sendable {
    /// The HTTP status code.
    var status: Int
    /// A short title (`Bad request`).
    var title: String
    /// What went wrong and what to do.
    var message: String

    static func badRequest(_ message: String) -> ConsoleError {
        ConsoleError(status: 400, title: "Bad request", message: message)
    }

    static func forbidden(_ message: String) -> ConsoleError {
        ConsoleError(status: 403, title: "Forbidden", message: message)
    }

    static func notFound(_ message: String) -> ConsoleError {
        ConsoleError(status: 404, title: "Not found", message: message)
    }

    static func conflict(_ message: String) -> ConsoleError {
        ConsoleError(status: 409, title: "Conflict", message: message)
    }

    static let unavailable = ConsoleError(
        status: 503, title: "Unavailable", message: "the store cannot be reached; try again shortly")
}
