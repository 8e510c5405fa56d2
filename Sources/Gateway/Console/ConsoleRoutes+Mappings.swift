import Foundation
import HTTPTypes
import Hummingbird
import Mapping

extension ConsoleRoutes {
    /// The folder of mapping files the Mappings page reads: `mappings/` of the gateway's working folder, as
    /// `notebridge mappings check` reads it.
    static let mappingsFolder = "mappings"

    /// `GET /console/mappings[?preview=hl7-out/default.yaml]`: every mapping file, checked; the preview of one.
    func mappingsPage(_ request: Request, _ caller: Caller) throws -> Response {
        let folder = Self.mappingsFolder
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
        let files = exists ? MappingFiles.yamlFiles(in: folder) : []
        let prefix = folder + "/"
        let names = files.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
        var values: [String: Any] = [
            "page": "mappings", "exists": exists, "count": files.count,
            "folder": URL(fileURLWithPath: folder).standardizedFileURL.path,
            "files": zip(files, names).map { file, name -> [String: Any] in
                let kind = MappingFiles.Kind(file: file)
                var row: [String: Any] = [
                    "name": name, "kind": Self.describe(kind), "previewable": kind != .hl7Inbound,
                    "previewHref": "/console/mappings?preview=" + Self.percentEncoded(name),
                ]
                if let error = MappingFiles.check(file) {
                    row["error"] = error
                } else {
                    row["ok"] = true
                }
                return row
            },
        ]
        if let wanted = request.uri.queryParameters.get("preview") {
            // Only a file of the list: never a path the request makes up.
            guard let index = names.firstIndex(of: wanted) else {
                throw ConsoleError.notFound("no mapping file \(wanted) in \(folder)")
            }
            var preview: [String: Any] = ["name": wanted]
            do {
                if let text = try MappingFiles.preview(files[index]) {
                    preview["text"] = text
                } else {
                    preview["error"] = "an inbound mapping reads messages; it has no preview"
                }
            } catch {
                preview["error"] = "\(error)"
            }
            values["preview"] = preview
        }
        return html("mappings", values, session: caller.session)
    }

    static func describe(_ kind: MappingFiles.Kind) -> String {
        switch kind {
        case .hl7Inbound: "HL7 v2 in → encounter"
        case .hl7Outbound: "note → HL7 v2 out"
        case .fhirNote: "note → FHIR"
        }
    }
}
