import CLibXML2

/// Writes the JSON form of a FHIR resource as FHIR XML: elements in specification order, primitives as
/// `value` attributes with their `_name` id and extensions, element ids and extension URLs as attributes,
/// contained resources wrapped in their element, the narrative `div` as XHTML (checked to be well-formed).
public struct FHIRXMLWriter: Sendable {
    let definitions = R4Definitions.r4

    /// Creates a writer.
    public init() {}

    /// The XML of `resource`; throws ``FHIRParseError/Code/invalidStructure`` naming the path of anything the
    /// definitions do not allow.
    public func write(_ resource: JSONValue) throws(FHIRParseError) -> [UInt8] {
        var out = Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        out.append(0x0A)
        try writeResource(resource, into: &out, path: "", namespace: true)
        out.append(0x0A)
        return out
    }

    func writeResource(_ value: JSONValue, into out: inout [UInt8], path: String, namespace: Bool) throws(FHIRParseError) {
        guard let type = value["resourceType"]?.string else {
            throw FHIRParseError(.invalidStructure, offset: 0, "a resource needs resourceType", path: path.isEmpty ? "resourceType" : path)
        }
        let here = path.isEmpty ? type : "\(path).\(type)"
        guard let definition = definitions.type(type), definition.kind == .resource else {
            throw FHIRParseError(.invalidStructure, offset: 0, "not a FHIR R4 resource type", path: here)
        }
        out += Array("<\(type)".utf8)
        if namespace { out += Array(#" xmlns="http://hl7.org/fhir""#.utf8) }
        try writeContent(value, definition: definition, name: type, into: &out, path: here)
    }

    /// Writes the attributes, `>`, the children and the end tag of an element of type `definition`.
    func writeContent(
        _ value: JSONValue, definition: R4Definitions.TypeDefinition, name: String, into out: inout [UInt8], path: String
    ) throws(FHIRParseError) {
        guard let members = value.members else {
            throw FHIRParseError(.invalidStructure, offset: 0, "must be an object", path: path)
        }
        var byName: [String: JSONValue] = [:]
        for member in members where member.key != "resourceType" {
            let base = member.key.hasPrefix("_") ? String(member.key.dropFirst()) : member.key
            guard definition.element(base) != nil else {
                throw FHIRParseError(.invalidStructure, offset: 0, "not an element of \(definition.name)", path: "\(path).\(member.key)")
            }
            byName[member.key] = member.value
        }
        var attributes: Set<String> = []
        if definition.kind != .resource, let id = byName["id"] {
            guard let text = id.string else { throw FHIRParseError(.invalidStructure, offset: 0, "must be a string", path: "\(path).id") }
            Self.attribute("id", text, into: &out)
            attributes.insert("id")
        }
        if definition.name == "Extension", let url = byName["url"] {
            guard let text = url.string else { throw FHIRParseError(.invalidStructure, offset: 0, "must be a string", path: "\(path).url") }
            Self.attribute("url", text, into: &out)
            attributes.insert("url")
        }
        let children = definition.elements.filter {
            !attributes.contains($0.name) && (byName[$0.name] != nil || byName["_" + $0.name] != nil)
        }
        if children.isEmpty {
            out += Array("/>".utf8)
            return
        }
        out.append(UInt8(ascii: ">"))
        for element in children {
            let elementPath = "\(path).\(element.name)"
            if element.type == "xhtml" {
                guard let text = byName[element.name]?.string else {
                    throw FHIRParseError(.invalidStructure, offset: 0, "must be XHTML text", path: elementPath)
                }
                try Self.checkXHTML(text, path: elementPath)
                out += Array(text.utf8)
                continue
            }
            if element.isPrimitive {
                try writePrimitives(element, value: byName[element.name], extra: byName["_" + element.name], into: &out, path: elementPath)
                continue
            }
            guard let item = byName[element.name] else {
                throw FHIRParseError(.invalidStructure, offset: 0, "only primitives have a _ form", path: elementPath)
            }
            let items: [JSONValue]
            if element.isList {
                guard let list = item.array else { throw FHIRParseError(.invalidStructure, offset: 0, "must be an array", path: elementPath) }
                items = list
            } else {
                items = [item]
            }
            for (index, item) in items.enumerated() {
                let itemPath = element.isList ? "\(elementPath)[\(index)]" : elementPath
                out += Array("<\(element.name)".utf8)
                if element.type == "Resource" {
                    out.append(UInt8(ascii: ">"))
                    try writeResource(item, into: &out, path: itemPath, namespace: false)
                    out += Array("</\(element.name)>".utf8)
                } else {
                    guard let type = definitions.type(element.type) else {
                        throw FHIRParseError(.invalidStructure, offset: 0, "unknown type \(element.type)", path: itemPath)
                    }
                    try writeContent(item, definition: type, name: element.name, into: &out, path: itemPath)
                }
            }
        }
        out += Array("</\(name)>".utf8)
    }

    func writePrimitives(
        _ element: R4Definitions.Element, value: JSONValue?, extra: JSONValue?, into out: inout [UInt8], path: String
    ) throws(FHIRParseError) {
        let values: [JSONValue]
        let extras: [JSONValue]
        if element.isList {
            values = try value.map { v throws(FHIRParseError) in
                guard let list = v.array else { throw FHIRParseError(.invalidStructure, offset: 0, "must be an array", path: path) }
                return list
            } ?? []
            extras = try extra.map { v throws(FHIRParseError) in
                guard let list = v.array else { throw FHIRParseError(.invalidStructure, offset: 0, "must be an array", path: "_" + path) }
                return list
            } ?? []
        } else {
            values = value.map { [$0] } ?? []
            extras = extra.map { [$0] } ?? []
        }
        let count = max(values.count, extras.count)
        if !values.isEmpty, !extras.isEmpty, values.count != extras.count {
            throw FHIRParseError(.invalidStructure, offset: 0, "the value and _ arrays differ in length", path: path)
        }
        for index in 0..<count {
            let itemPath = element.isList ? "\(path)[\(index)]" : path
            out += Array("<\(element.name)".utf8)
            var extensions: [JSONValue] = []
            if index < extras.count, extras[index] != .null {
                guard let members = extras[index].members else {
                    throw FHIRParseError(.invalidStructure, offset: 0, "the _ form must be an object", path: itemPath)
                }
                for member in members {
                    switch member.key {
                    case "id":
                        guard let id = member.value.string else {
                            throw FHIRParseError(.invalidStructure, offset: 0, "must be a string", path: "\(itemPath).id")
                        }
                        Self.attribute("id", id, into: &out)
                    case "extension":
                        guard let list = member.value.array else {
                            throw FHIRParseError(.invalidStructure, offset: 0, "must be an array", path: "\(itemPath).extension")
                        }
                        extensions = list
                    default:
                        throw FHIRParseError(.invalidStructure, offset: 0, "not allowed in the _ form", path: "\(itemPath).\(member.key)")
                    }
                }
            }
            if index < values.count {
                switch values[index] {
                case .null: break
                case .string(let text): Self.attribute("value", text, into: &out)
                case .number(let text): Self.attribute("value", text, into: &out)
                case .bool(let flag): Self.attribute("value", flag ? "true" : "false", into: &out)
                case .object, .array:
                    throw FHIRParseError(.invalidStructure, offset: 0, "a primitive must be a string, number or boolean", path: itemPath)
                }
            }
            if extensions.isEmpty {
                out += Array("/>".utf8)
            } else {
                out.append(UInt8(ascii: ">"))
                guard let type = definitions.type("Extension") else { continue }
                for (position, item) in extensions.enumerated() {
                    out += Array("<extension".utf8)
                    try writeContent(item, definition: type, name: "extension", into: &out, path: "\(itemPath).extension[\(position)]")
                }
                out += Array("</\(element.name)>".utf8)
            }
        }
    }

    static func attribute(_ name: String, _ value: String, into out: inout [UInt8]) {
        out += Array(" \(name)=\"".utf8)
        XMLText.append(value, quotes: true, whitespace: true, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// The narrative must be one well-formed XHTML `div` (no DOCTYPE), as it is copied into the document.
    static func checkXHTML(_ text: String, path: String) throws(FHIRParseError) {
        let document: xmlDocPtr
        do {
            document = try FHIRXMLReader.parse(Array(text.utf8))
        } catch {
            throw FHIRParseError(.invalidStructure, offset: 0, "the narrative is not well-formed XHTML", path: path)
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document), FHIRXMLReader.name(root) == "div",
            FHIRXMLReader.namespace(root) == FHIRXMLReader.xhtmlNamespace
        else {
            throw FHIRParseError(.invalidStructure, offset: 0, "the narrative must be an XHTML div", path: path)
        }
    }
}
