import FHIR
import Foundation
import HTTPTypes
import HL7v2
import Transcription

/// The recording of a visit sent inline in a FHIR R4 Attachment (R4 §2.24.0.2 Attachment; §3.3 base64Binary): the
/// `content.attachment` of a DocumentReference, the `content` of a Media, or a `valueAttachment`, in a `$soap-note`
/// Parameters or an intake Bundle. Pure: it reads JSON and decodes base64, and never fetches an attachment `url`.
///
/// An attachment is a recording when its `contentType` is `audio/*`, or when its data begins with the signature of a
/// container the decoder reads (``AudioContainer``), whatever type it declares. Its `data` is refused over the size
/// limit from the length of the base64 text, before anything is decoded, and decoded strictly (RFC 4648 alphabet and
/// padding; white space between characters skipped, as base64Binary allows). Errors name the element at fault and
/// the problem, never a value.
struct FHIRRecording: Sendable, Equatable {
    /// The recording's bytes, decoded from the attachment's `data`.
    var audio: [UInt8]
    /// The attachment's element, for errors (`Parameters.parameter[0].resource.content[0].attachment`).
    var path: String

    /// What an attachment holds, judged without decoding all of it.
    enum Kind: Equatable {
        /// `text/plain`: a transcript.
        case text
        /// `audio/*`, or data that begins with an audio container's signature.
        case recording
        /// Anything else (a PDF, an image, an empty attachment).
        case other
    }

    /// An attachment and the path of its element.
    struct Attachment {
        var json: JSONValue
        var path: String
    }

    /// What an attachment holds: by its `contentType`, and for any other type by the first bytes of its `data`.
    static func kind(of attachment: JSONValue) -> Kind {
        let type = (attachment["contentType"]?.string ?? "").lowercased()
            .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if type == "text/plain" { return .text }
        if type.hasPrefix("audio/") { return .recording }
        guard let data = attachment["data"]?.string else { return .other }
        return AudioContainer.recognize(head(of: data)) == nil ? .other : .recording
    }

    /// The first bytes of base64 text, enough for ``AudioContainer/recognize(_:)``; empty when they are not base64.
    static func head(of data: String) -> [UInt8] {
        let characters = AudioContainer.signatureLength / 3 * 4 + 4
        var prefix: [UInt8] = []
        prefix.reserveCapacity(characters)
        for byte in data.utf8 where !isSpace(byte) {
            guard byte != UInt8(ascii: "=") else { break }
            prefix.append(byte)
            if prefix.count == characters { break }
        }
        prefix.removeLast(prefix.count % 4)
        return (try? HL7EncapsulatedData.base64Decoded(prefix, maximumBytes: characters)) ?? []
    }

    /// The attachments of a DocumentReference (`content[i].attachment`) or a Media (`content`); none for another
    /// resource.
    static func attachments(of resource: JSONValue, path: String) -> [Attachment] {
        switch resource["resourceType"]?.string {
        case "DocumentReference":
            return (resource["content"]?.array ?? []).enumerated().compactMap { index, content in
                content["attachment"].map { Attachment(json: $0, path: "\(path).content[\(index)].attachment") }
            }
        case "Media":
            return resource["content"].map { [Attachment(json: $0, path: "\(path).content")] } ?? []
        default:
            return []
        }
    }

    /// The one recording among `attachments` (those of ``Kind/recording``), decoded; nil when there is none. Two
    /// recordings, an attachment that points to a `url`, too much or bad base64 are refused.
    static func single(in attachments: [Attachment], maximumBytes: Int) throws(FHIRError) -> FHIRRecording? {
        let recordings = attachments.filter { kind(of: $0.json) == .recording }
        guard let first = recordings.first else { return nil }
        guard recordings.count == 1 else {
            throw FHIRError(
                .badRequest, "invalid",
                "two recordings (the first is \(first.path)); send one recording of the visit per request",
                expression: recordings[1].path, detailCode: "TWO_RECORDINGS")
        }
        return try read(first, maximumBytes: maximumBytes)
    }

    /// Decodes the recording of an attachment: its `data` must be there (an attachment `url` is never fetched), at
    /// most `maximumBytes` once decoded (judged from the base64 length first), and strict base64.
    static func read(_ attachment: Attachment, maximumBytes: Int) throws(FHIRError) -> FHIRRecording {
        guard let data = attachment.json["data"]?.string else {
            if attachment.json["url"] != nil {
                throw FHIRError(
                    .badRequest, "not-supported",
                    "the recording is given by url; NoteBridge never fetches attachment URLs: send it as base64 data",
                    expression: attachment.path + ".url", detailCode: "ATTACHMENT_URL_NOT_FETCHED")
            }
            throw FHIRError(
                .badRequest, "required", "the recording has no data: send it as base64 data",
                expression: attachment.path + ".data", detailCode: "CORRUPT_AUDIO")
        }
        let invalid = FHIRError(
            .badRequest, "value",
            "the recording's data is not base64 (RFC 4648: its alphabet, length or padding is wrong)",
            expression: attachment.path + ".data", detailCode: "INVALID_BASE64")
        // Strict: whole groups of four characters (padded), as base64Binary requires; a text too long for the limit is
        // refused as too large below, before it is decoded.
        var significant = 0
        for byte in data.utf8 where !isSpace(byte) { significant += 1 }
        if significant % 4 != 0, (significant - 2) / 4 * 3 <= maximumBytes { throw invalid }
        do {
            let audio = try HL7EncapsulatedData.base64Decoded(data.utf8, maximumBytes: maximumBytes)
            return FHIRRecording(audio: audio, path: attachment.path)
        } catch {
            switch error.code {
            case .tooLarge:
                throw FHIRError(
                    .contentTooLarge, "too-costly",
                    "audio: the recording is larger than the limit of \(maximumBytes) bytes (audio.maxBytes)",
                    expression: attachment.path + ".data", detailCode: "AUDIO_TOO_LARGE")
            case .missingData:
                throw FHIRError(
                    .unprocessableContent, "value", "audio: the recording is empty (0 bytes)",
                    expression: attachment.path + ".data", detailCode: "CORRUPT_AUDIO")
            default:
                throw invalid
            }
        }
    }

    /// The refusal of an attachment that is neither a transcript (`text/plain`) nor a recording.
    static func unsupported(_ attachment: Attachment) -> FHIRError {
        if attachment.json["data"] == nil, attachment.json["url"] != nil {
            return FHIRError(
                .badRequest, "not-supported",
                "the attachment is given by url; NoteBridge never fetches attachment URLs: send it as base64 data",
                expression: attachment.path + ".url", detailCode: "ATTACHMENT_URL_NOT_FETCHED")
        }
        return FHIRError(
            .unprocessableContent, "not-supported",
            "the attachment is neither text/plain (a transcript) nor audio (MP3, M4A, WAV, OGG, WebM or FLAC)",
            expression: attachment.path + ".contentType", detailCode: "UNSUPPORTED_ATTACHMENT")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}

extension FHIRError {
    /// The error of a recording that cannot be transcribed, as `/v1/note/audio` states it (status, code and reason),
    /// with the attachment's `data` element at fault and the `/v1` code as the issue's details.
    init(recording error: TranscriptionError, path: String) {
        let answer = APIError.audio(error)
        let issue: String
        switch error.code {
        case .unsupportedContainer: issue = "not-supported"
        case .tooLarge, .tooLong: issue = "too-costly"
        case .corruptAudio, .silentAudio, .remoteRefusedAudio: issue = "value"
        case .remoteTimedOut: issue = "timeout"
        case .decoderUnavailable, .engineUnavailable: issue = "transient"
        default: issue = "exception"
        }
        self.init(answer.status, issue, answer.message, expression: path + ".data", detailCode: answer.code)
        if answer.status == .serviceUnavailable { headers = [(.retryAfter, "10")] }
    }
}
