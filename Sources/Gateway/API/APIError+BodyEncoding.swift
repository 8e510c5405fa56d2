import Foundation
import HTTPTypes
import Hummingbird

extension APIError {
    /// The content codings a client might name, said back in the error; any other value is not quoted.
    static let knownContentCodings: Set<String> = ["gzip", "x-gzip", "deflate", "br", "compress", "zstd"]

    /// 415 when the body is sent with a content coding (`Content-Encoding: gzip`) or a transfer coding other than
    /// `chunked` (`Transfer-Encoding: gzip, chunked`): the gateway decodes neither, and reading the compressed
    /// bytes as JSON, XML or audio answered a misleading error (or, for a coding applied to text that happened to
    /// parse, a note from bytes the client did not mean). `nil` when the body is plain.
    static func bodyEncodingRefusal(_ headers: HTTPFields) -> APIError? {
        if let name = firstCoding(headers[values: .contentEncoding], except: ["identity"]) {
            let named = knownContentCodings.contains(name) ? "Content-Encoding \(name) is" : "this Content-Encoding is"
            return APIError(
                .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
                message: "\(named) not accepted: send the body uncompressed")
        }
        if firstCoding(headers[values: .transferEncoding], except: ["chunked", "identity"]) != nil {
            return APIError(
                .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
                message: "a Transfer-Encoding other than chunked is not accepted: send the body uncompressed")
        }
        return nil
    }

    /// The first coding named in `values` (comma-separated lists, as in `Content-Encoding: gzip, br`), lower-cased,
    /// that is not one of `allowed`.
    private static func firstCoding(_ values: [String], except allowed: Set<String>) -> String? {
        for value in values {
            for coding in value.split(separator: ",") {
                let name = coding.trimmingCharacters(in: .whitespaces).lowercased()
                if !name.isEmpty, !allowed.contains(name) { return name }
            }
        }
        return nil
    }

    /// 415 when a JSON body's `Content-Type` names a charset other than UTF-8 (`application/json; charset=latin1`):
    /// JSON is UTF-8 (RFC 8259), and bytes of another charset are not read as if they were. `nil` without a
    /// charset parameter, or with `utf-8`.
    static func charsetRefusal(_ contentType: String?) -> APIError? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            let charset = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\"")
            ).lowercased()
            if charset != "utf-8" && charset != "utf8" {
                return APIError(
                    .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
                    message: "a JSON body must be UTF-8: send charset=utf-8 or no charset")
            }
        }
        return nil
    }
}
