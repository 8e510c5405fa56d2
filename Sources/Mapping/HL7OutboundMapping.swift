import Foundation
import HL7v2
import Yams

/// An `mappings/hl7-out/*.yaml` file: how a note is written as HL7 v2 for one kind of receiver (the header, FT or
/// TX, line length, section headings, result status, where the diagnoses go, the TXA document type) and which
/// messages are sent per note. What the file leaves out keeps the built-in default, which
/// `mappings/hl7-out/default.yaml` spells out.
public struct HL7OutboundMapping: Sendable, Hashable {
    /// How the messages are written.
    public var renderer: HL7NoteRenderer.Configuration
    /// The messages per note, when the file names them.
    public var messages: [HL7NoteRenderer.MessageKind]?
    /// MSH-3, when the file sets it (else the gateway's application name is used).
    public var sendingApplication: String?

    /// The built-in defaults.
    public init() {
        renderer = HL7NoteRenderer.Configuration()
        messages = nil
        sendingApplication = nil
    }

    static let rootKeys: Set<String> = ["version", "header", "text", "results", "document", "messages"]

    /// Reads a mapping file's text; `file` names it in errors.
    public init(yaml: String, file: String) throws(MappingFileError) {
        self.init()
        let document = MappingDocument(file: file)
        let root = try document.root(yaml)
        try document.allow(root, Self.rootKeys)
        try document.requireVersion(root)
        if let header = root.value("header") {
            let table = try document.table(
                header.node, key: "header",
                allowed: [
                    "sendingApplication", "sendingFacility", "receivingApplication", "receivingFacility", "processingId",
                    "version",
                ])
            for entry in table.entries {
                let key = table.path(entry.name)
                let text = try document.string(entry.value, key: key, line: entry.line)
                guard text.utf8.count <= 180, !text.contains(where: { $0 == "|" || $0 == "\r" || $0 == "\n" }) else {
                    throw document.error(key, line: entry.line, "must be one line of at most 180 bytes without |")
                }
                switch entry.name {
                case "sendingApplication": sendingApplication = text
                case "sendingFacility": renderer.sendingFacility = text
                case "receivingApplication": renderer.receivingApplication = text
                case "receivingFacility": renderer.receivingFacility = text
                case "processingId":
                    guard ["P", "T", "D"].contains(text) else {
                        throw document.error(key, line: entry.line, "must be P (production), T (training) or D (debugging)")
                    }
                    renderer.processingID = text
                default:
                    guard Self.versions.contains(text) else {
                        throw document.error(key, line: entry.line, "must be one of \(Self.versions.joined(separator: ", "))")
                    }
                    renderer.version = text
                }
            }
        }
        if let text = root.value("text") {
            let table = try document.table(
                text.node, key: "text", allowed: ["valueType", "maxLineLength", "maxValueLength", "sectionHeadings"])
            for entry in table.entries {
                let key = table.path(entry.name)
                switch entry.name {
                case "valueType":
                    let value = try document.choice(entry.value, key: key, line: entry.line, ["TX", "FT"])
                    renderer.textValueType = HL7NoteRenderer.Configuration.TextValueType(rawValue: value) ?? .tx
                case "maxLineLength":
                    let length = try document.integer(entry.value, key: key, line: entry.line, 0...65_536)
                    guard length == 0 || length >= 20 else {
                        throw document.error(key, line: entry.line, "must be 0 (lines as written) or at least 20")
                    }
                    renderer.maximumLineLength = length == 0 ? nil : length
                case "maxValueLength":
                    let length = try document.integer(entry.value, key: key, line: entry.line, 0...1_000_000)
                    guard length == 0 || length >= 80 else {
                        throw document.error(key, line: entry.line, "must be 0 (no limit) or at least 80")
                    }
                    renderer.maximumObservationLength = length == 0 ? nil : length
                default:
                    let value = try document.choice(entry.value, key: key, line: entry.line, ["observation", "none"])
                    renderer.sectionHeadingObservations = value == "observation"
                }
            }
        }
        if let results = root.value("results") {
            let table = try document.table(results.node, key: "results", allowed: ["status", "diagnoses"])
            for entry in table.entries {
                let key = table.path(entry.name)
                if entry.name == "status" {
                    renderer.resultStatus = try document.choice(entry.value, key: key, line: entry.line, ["F", "P"])
                } else {
                    let value = try document.choice(
                        entry.value, key: key, line: entry.line, HL7NoteRenderer.Configuration.DiagnosisPlacement.allCases.map(\.rawValue))
                    renderer.diagnoses = HL7NoteRenderer.Configuration.DiagnosisPlacement(rawValue: value) ?? .observations
                }
            }
        }
        if let documentNode = root.value("document") {
            let table = try document.table(documentNode.node, key: "document", allowed: ["type"])
            if let type = table.value("type") {
                let value = try document.string(type.node, key: "document.type", line: type.line)
                guard (2...5).contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                    throw document.error("document.type", line: type.line, "must be an HL7 table 0270 code such as PN, CN, DS or HP")
                }
                renderer.documentType = value
            }
        }
        if let list = root.value("messages") {
            let names = try document.strings(list.node, key: "messages", line: list.line)
            var kinds: [HL7NoteRenderer.MessageKind] = []
            for name in names {
                guard let kind = HL7NoteRenderer.MessageKind(rawValue: name.uppercased()), kind != .applicationAcknowledgment else {
                    throw document.error("messages", line: list.line, "each entry must be ORU^R01, MDM^T02 or DFT^P03")
                }
                kinds.append(kind)
            }
            guard !kinds.isEmpty, Set(kinds).count == kinds.count else {
                throw document.error("messages", line: list.line, "must list ORU^R01, MDM^T02 or DFT^P03, each once")
            }
            messages = kinds
        }
    }

    /// The HL7 v2 versions NoteBridge writes (the message structures it builds exist from 2.3.1 on).
    public static let versions = ["2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8"]

    /// Reads the mapping file at `path`.
    public static func load(path: String) throws(MappingFileError) -> HL7OutboundMapping {
        let text = try MappingDocument.text(at: path)
        return try HL7OutboundMapping(yaml: text, file: path)
    }
}
