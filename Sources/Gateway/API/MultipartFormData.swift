import Foundation

/// A `multipart/form-data` body (RFC 7578, over the multipart syntax of RFC 2046 §5.1.1), parsed within limits.
///
/// ```
/// preamble CRLF? "--" boundary CRLF
///   header-field CRLF ... CRLF            Content-Disposition: form-data; name="audio"; filename="visit.m4a"
///   body                                  (any bytes, up to the next CRLF "--" boundary)
/// CRLF "--" boundary CRLF
///   ...
/// CRLF "--" boundary "--" epilogue
/// ```
///
/// Part bodies are slices of the request body, never copied. The number of parts and the size of each part's
/// header block are bounded; the body itself was bounded when it was read. Errors name the problem, never quote
/// content.
struct MultipartFormData {
    /// One part.
    struct Part {
        /// The `name` of its `Content-Disposition`.
        var name: String
        /// The `filename` of its `Content-Disposition`, when it is a file.
        var filename: String?
        /// Its `Content-Type`, when given.
        var contentType: String?
        /// Its bytes.
        var body: ArraySlice<UInt8>
    }

    /// How much a body may hold.
    struct Limits {
        /// The most parts.
        var maximumParts = 16
        /// The largest header block of one part, in bytes.
        var maximumHeaderBytes = 8 * 1024
    }

    /// The parts in order.
    var parts: [Part]

    /// The boundary of a `multipart/form-data; boundary=...` content type, or nil when the type is another one or
    /// names no valid boundary (1 to 70 of RFC 2046's `bchars`, not ending in a space; quoted or not).
    static func boundary(contentType: String) -> String? {
        let (type, values) = parameters(contentType)
        guard type.lowercased() == "multipart/form-data", let value = values["boundary"] else { return nil }
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ")
        guard (1...70).contains(value.count), value.allSatisfy(allowed.contains), value.last != " " else { return nil }
        return value
    }

    /// Parses `body` delimited by `boundary`.
    init(_ body: [UInt8], boundary: String, limits: Limits = Limits()) throws(APIError) {
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = [0x0D, 0x0A] + dashBoundary
        // The first boundary may open the body without a CRLF before it.
        var position: Int
        if body.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = Self.find(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw Self.malformed("has no opening boundary")
        }
        var parts: [Part] = []
        while true {
            // After a boundary: "--" closes the body, CRLF opens a part (transport padding before it is allowed).
            if body[position...].starts(with: [0x2D, 0x2D]) { break }
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body[position...].starts(with: [0x0D, 0x0A]) else { throw Self.malformed("has a malformed boundary line") }
            position += 2
            guard parts.count < limits.maximumParts else {
                throw APIError.validation("body", "has more than \(limits.maximumParts) parts")
            }
            guard !body[position...].starts(with: [0x0D, 0x0A]) else { throw Self.malformed("has a part without a name") }
            let headerLimit = min(body.count, position + limits.maximumHeaderBytes)
            guard let headerEnd = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: body[..<headerLimit], from: position) else {
                throw Self.malformed(
                    "has a part whose headers are unterminated or longer than \(limits.maximumHeaderBytes) bytes")
            }
            let headers = body[position..<headerEnd]
            let contentStart = headerEnd + 4
            guard let contentEnd = Self.find(delimiter, in: body, from: contentStart) else {
                throw Self.malformed("has no closing boundary")
            }
            parts.append(try Self.part(headers: headers, body: body[contentStart..<contentEnd]))
            position = contentEnd + delimiter.count
            guard position + 2 <= body.count else { throw Self.malformed("ends inside a boundary line") }
        }
        self.parts = parts
    }

    /// The parts named `name`.
    func parts(named name: String) -> [Part] { parts.filter { $0.name == name } }

    private static func malformed(_ reason: String) -> APIError {
        APIError.validation("body", "is not valid multipart/form-data: it \(reason)")
    }

    private static func part(headers: ArraySlice<UInt8>, body: ArraySlice<UInt8>) throws(APIError) -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        let text = String(decoding: headers, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { throw malformed("has a part header without a colon") }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch field {
            case "content-disposition":
                let parameters = Self.parameters(value)
                guard parameters.type.lowercased() == "form-data" else {
                    throw malformed("has a part that is not form-data")
                }
                name = parameters.values["name"]
                filename = parameters.values["filename"]
            case "content-type":
                contentType = value
            default:
                continue
            }
        }
        guard let name, !name.isEmpty else { throw malformed("has a part without a name") }
        return Part(name: name, filename: filename, contentType: contentType, body: body)
    }

    /// `form-data; name="audio"; filename="a;b.mp3"`: the type and its parameters (quoted strings may hold `;` and
    /// escaped quotes).
    static func parameters(_ value: String) -> (type: String, values: [String: String]) {
        var values: [String: String] = [:]
        let characters = Array(value)
        var index = 0
        func skipSpaces() { while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 } }
        var type = ""
        while index < characters.count, characters[index] != ";" {
            type.append(characters[index])
            index += 1
        }
        while index < characters.count {
            index += 1  // the ";"
            skipSpaces()
            var key = ""
            while index < characters.count, characters[index] != "=", characters[index] != ";" {
                key.append(characters[index])
                index += 1
            }
            guard index < characters.count, characters[index] == "=" else { continue }
            index += 1
            var parameter = ""
            if index < characters.count, characters[index] == "\"" {
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    parameter.append(characters[index])
                    index += 1
                }
                index += 1
                while index < characters.count, characters[index] != ";" { index += 1 }
            } else {
                while index < characters.count, characters[index] != ";" {
                    parameter.append(characters[index])
                    index += 1
                }
            }
            values[key.trimmingCharacters(in: .whitespaces).lowercased()] = parameter.trimmingCharacters(in: .whitespaces)
        }
        return (type.trimmingCharacters(in: .whitespaces), values)
    }

    /// The first index at or after `start` where `pattern` occurs in `bytes` (Boyer–Moore–Horspool).
    static func find(_ pattern: [UInt8], in bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        let count = pattern.count
        guard count > 0, start >= bytes.startIndex, bytes.endIndex - start >= count else { return nil }
        var shift = [Int](repeating: count, count: 256)
        for index in 0..<(count - 1) { shift[Int(pattern[index])] = count - 1 - index }
        var position = start
        let last = count - 1
        while position + count <= bytes.endIndex {
            let tail = bytes[position + last]
            if tail == pattern[last] {
                var matched = true
                for offset in 0..<last where bytes[position + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return position }
            }
            position += shift[Int(tail)]
        }
        return nil
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        find(pattern, in: bytes[...], from: start)
    }
}
