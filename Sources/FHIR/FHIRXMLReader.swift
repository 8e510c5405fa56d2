import CLibXML2

/// Reads FHIR XML (http://hl7.org/fhir/R4/xml.html) into the JSON form of the same resource, using libxml2
/// directly: no network access, entities never substituted, and any document type declaration refused (that is
/// how external entities and entity expansion attacks get in). Size and depth are limited.
///
/// The element definitions decide what becomes an array, which primitives are numbers or booleans, and where
/// `_name` objects hold a primitive's id and extensions.
public struct FHIRXMLReader: Sendable {
    /// The limits in force (the same as JSON's).
    public var limits: JSONReader.Limits
    let definitions: R4Definitions

    /// Creates a reader.
    public init(limits: JSONReader.Limits = JSONReader.Limits()) {
        self.limits = limits
        self.definitions = R4Definitions.r4
    }

    static let fhirNamespace = "http://hl7.org/fhir"
    static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"
    static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// The resource as JSON.
    public func read(_ bytes: [UInt8]) throws(FHIRParseError) -> JSONValue {
        guard bytes.count <= limits.maximumBytes else {
            throw FHIRParseError(.tooLarge, offset: limits.maximumBytes, "larger than \(limits.maximumBytes) bytes")
        }
        let document = try Self.parse(bytes)
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw FHIRParseError(.malformedXML, offset: 0, "the document has no root element")
        }
        return try resource(root, path: "", depth: 0)
    }

    /// Parses XML safely; the caller frees the document.
    static func parse(_ bytes: [UInt8]) throws(FHIRParseError) -> xmlDocPtr {
        _ = initialized
        guard !bytes.isEmpty else { throw FHIRParseError(.malformedXML, offset: 0, "the document is empty") }
        // Refused before parsing, whatever the declaration holds: no DTD reaches the parser.
        if let position = Self.find(Array("<!DOCTYPE".utf8), in: bytes) {
            throw FHIRParseError(.doctypeRefused, offset: position, "a document type declaration is not allowed in FHIR XML")
        }
        try checkAttributeCounts(bytes)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReadMemory($0, Int32(buffer.count), "resource.xml", nil, options)
                }
            }
        }
        guard let document = parsed else {
            let error = xmlGetLastError()
            let line = Int(error?.pointee.line ?? 0)
            // libxml2 stops at 256 nested elements ("Excessive depth in document"): a well-formed document that
            // is too deep is named as such (413 too-costly, as for JSON), not as malformed.
            if let message = error?.pointee.message, String(cString: message).contains("Excessive depth") {
                throw FHIRParseError(.tooDeep, offset: line, "elements are nested deeper than 256 levels (line \(line))")
            }
            throw FHIRParseError(.malformedXML, offset: line, "not well-formed XML (line \(line))")
        }
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            xmlFreeDoc(document)
            throw FHIRParseError(.doctypeRefused, offset: 0, "a document type declaration is not allowed in FHIR XML")
        }
        return document
    }

    /// The most attributes one element may carry. A FHIR element carries one to three (`value`, `url`, `id`, and
    /// namespace declarations), an XHTML narrative element a few more. libxml2 2.9 compares each attribute of a start
    /// tag with every earlier one, so one start tag with tens of thousands of attributes costs seconds to minutes of
    /// CPU inside `xmlReadMemory`, before any check on the parsed tree could refuse it: they are counted on the bytes
    /// first.
    public static let maximumAttributesPerElement = 64

    /// Refuses a start tag with more than ``maximumAttributesPerElement`` attributes, in one pass over the bytes:
    /// comments, CDATA sections, processing instructions and end tags are stepped over; in a start tag, every `=`
    /// outside a quoted value is one attribute.
    static func checkAttributeCounts(_ bytes: [UInt8]) throws(FHIRParseError) {
        let open = UInt8(ascii: "<"), close = UInt8(ascii: ">"), equals = UInt8(ascii: "=")
        let bang = UInt8(ascii: "!"), question = UInt8(ascii: "?"), slash = UInt8(ascii: "/")
        var index = 0
        while index < bytes.count {
            guard bytes[index] == open else {
                index += 1
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            let terminator: [UInt8]
            switch next {
            case bang where hasPrefix(Array("<!--".utf8), in: bytes, at: index): terminator = Array("-->".utf8)
            case bang where hasPrefix(Array("<![CDATA[".utf8), in: bytes, at: index): terminator = Array("]]>".utf8)
            case question: terminator = Array("?>".utf8)
            case bang, slash: terminator = [close]
            default: terminator = []
            }
            if !terminator.isEmpty {
                // Not a start tag: go past its end (none: the parser reports the document as malformed).
                guard let end = find(terminator, in: bytes, from: index + 2) else { return }
                index = end + terminator.count
                continue
            }
            let start = index
            var attributes = 0
            var quote: UInt8? = nil
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if let opening = quote {
                    if byte == opening { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == equals {
                    attributes += 1
                    if attributes > maximumAttributesPerElement {
                        throw FHIRParseError(
                            .tooManyAttributes, offset: start,
                            "an element has more than \(maximumAttributesPerElement) attributes")
                    }
                } else if byte == close {
                    break
                }
                index += 1
            }
            index += 1
        }
    }

    static func hasPrefix(_ prefix: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        index + prefix.count <= bytes.count && bytes[index..<(index + prefix.count)].elementsEqual(prefix)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    // MARK: - Nodes

    static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    static func namespace(_ node: xmlNodePtr) -> String? {
        node.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    static func elements(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var children: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { children.append(current) }
            child = current.pointee.next
        }
        return children
    }

    /// Whether the node has text other than white space (FHIR XML puts no text in elements but `div`).
    static func hasText(_ node: xmlNodePtr) -> Bool {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
                let content = current.pointee.content,
                String(cString: content).contains(where: { !$0.isWhitespace })
            {
                return true
            }
            child = current.pointee.next
        }
        return false
    }

    static func attributes(_ node: xmlNodePtr) -> [(String, String)] {
        var result: [(String, String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = current.pointee.name.map { String(cString: $0) } ?? ""
            // An attribute's value is its text children (the parser has already replaced character references).
            var value = ""
            var part = current.pointee.children
            while let text = part {
                if let content = text.pointee.content { value += String(cString: content) }
                part = text.pointee.next
            }
            result.append((name, value))
            attribute = current.pointee.next
        }
        return result
    }

    // MARK: - Conversion

    func resource(_ node: xmlNodePtr, path: String, depth: Int) throws(FHIRParseError) -> JSONValue {
        let type = Self.name(node)
        let here = path.isEmpty ? type : "\(path).\(type)"
        guard Self.namespace(node) == Self.fhirNamespace else {
            throw FHIRParseError(.invalidStructure, offset: 0, "a resource must be in the namespace \(Self.fhirNamespace)", path: here)
        }
        guard let definition = definitions.type(type), definition.kind == .resource else {
            throw FHIRParseError(.invalidStructure, offset: 0, "not a FHIR R4 resource type", path: here)
        }
        var members = [JSONMember("resourceType", .string(type))]
        members += try self.members(of: node, definition: definition, path: here, depth: depth + 1)
        return .object(members)
    }

    func members(
        of node: xmlNodePtr, definition: R4Definitions.TypeDefinition, path: String, depth: Int
    ) throws(FHIRParseError) -> [JSONMember] {
        guard depth <= limits.maximumDepth else {
            throw FHIRParseError(.tooDeep, offset: 0, "nested deeper than \(limits.maximumDepth) levels", path: path)
        }
        if Self.hasText(node) {
            throw FHIRParseError(.invalidStructure, offset: 0, "text is not allowed here", path: path)
        }
        var members: [JSONMember] = []
        // Attributes: `id` of an element (not of a resource), `url` of an extension.
        for (name, value) in Self.attributes(node) {
            if name == "xmlns" { continue }
            guard (name == "id" && definition.kind != .resource) || (name == "url" && definition.element("url") != nil)
            else {
                throw FHIRParseError(.invalidStructure, offset: 0, "unexpected attribute \(name)", path: path)
            }
            members.append(JSONMember(name, .string(value)))
        }
        // Children, grouped by name in document order.
        var groups: [(name: String, nodes: [xmlNodePtr])] = []
        for child in Self.elements(node) {
            let name = Self.name(child)
            if let last = groups.last, last.name == name {
                groups[groups.count - 1].nodes.append(child)
            } else if groups.contains(where: { $0.name == name }) {
                throw FHIRParseError(.invalidStructure, offset: 0, "repetitions of \(name) must be together", path: path)
            } else {
                groups.append((name, [child]))
            }
        }
        for (name, nodes) in groups {
            let elementPath = "\(path).\(name)"
            guard let element = definition.element(name) else {
                throw FHIRParseError(.invalidStructure, offset: 0, "not an element of \(definition.name)", path: elementPath)
            }
            if !element.isList, nodes.count > 1 {
                throw FHIRParseError(.invalidStructure, offset: 0, "repeats, but is not a list", path: elementPath)
            }
            if element.type == "xhtml" {
                members.append(JSONMember(name, .string(try Self.xhtml(nodes[0], path: elementPath))))
            } else if element.isPrimitive {
                var values: [JSONValue] = []
                var extras: [JSONValue] = []
                for (index, child) in nodes.enumerated() {
                    let itemPath = element.isList ? "\(elementPath)[\(index)]" : elementPath
                    let (value, extra) = try primitive(child, type: element.type, path: itemPath, depth: depth + 1)
                    values.append(value)
                    extras.append(extra)
                }
                let hasValues = values.contains { $0 != .null }
                let hasExtras = extras.contains { $0 != .null }
                if hasValues { members.append(JSONMember(name, element.isList ? .array(values) : values[0])) }
                if hasExtras { members.append(JSONMember("_" + name, element.isList ? .array(extras) : extras[0])) }
            } else {
                var items: [JSONValue] = []
                for (index, child) in nodes.enumerated() {
                    let itemPath = element.isList ? "\(elementPath)[\(index)]" : elementPath
                    items.append(try complex(child, type: element.type, path: itemPath, depth: depth + 1))
                }
                members.append(JSONMember(name, element.isList ? .array(items) : items[0]))
            }
        }
        return members
    }

    func complex(_ node: xmlNodePtr, type: String, path: String, depth: Int) throws(FHIRParseError) -> JSONValue {
        if type == "Resource" {
            let children = Self.elements(node)
            guard children.count == 1, Self.attributes(node).isEmpty else {
                throw FHIRParseError(.invalidStructure, offset: 0, "must hold exactly one resource", path: path)
            }
            return try resource(children[0], path: path, depth: depth + 1)
        }
        guard let definition = definitions.type(type) else {
            throw FHIRParseError(.invalidStructure, offset: 0, "unknown type \(type)", path: path)
        }
        return .object(try members(of: node, definition: definition, path: path, depth: depth))
    }

    /// A primitive's value, and its `_name` object (id and extensions) or null.
    func primitive(
        _ node: xmlNodePtr, type: String, path: String, depth: Int
    ) throws(FHIRParseError) -> (JSONValue, JSONValue) {
        var value: JSONValue = .null
        var extra: [JSONMember] = []
        for (name, text) in Self.attributes(node) {
            switch name {
            case "value": value = try Self.primitiveValue(text, type: type, path: path)
            case "id": extra.append(JSONMember("id", .string(text)))
            default: throw FHIRParseError(.invalidStructure, offset: 0, "unexpected attribute \(name)", path: path)
            }
        }
        let children = Self.elements(node)
        if !children.isEmpty {
            guard let extensionType = definitions.type("Extension") else { return (value, .null) }
            var extensions: [JSONValue] = []
            for (index, child) in children.enumerated() {
                guard Self.name(child) == "extension" else {
                    throw FHIRParseError(.invalidStructure, offset: 0, "a primitive holds only extensions", path: path)
                }
                extensions.append(
                    .object(try members(of: child, definition: extensionType, path: "\(path).extension[\(index)]", depth: depth + 1)))
            }
            extra.append(JSONMember("extension", .array(extensions)))
        }
        if value == .null && extra.isEmpty {
            throw FHIRParseError(.invalidStructure, offset: 0, "an element must have a value or children", path: path)
        }
        return (value, extra.isEmpty ? .null : .object(extra))
    }

    static func primitiveValue(_ text: String, type: String, path: String) throws(FHIRParseError) -> JSONValue {
        if type == "boolean" {
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw FHIRParseError(.invalidStructure, offset: 0, "a boolean must be true or false", path: path)
            }
        }
        if R4Definitions.numericTypes.contains(type) {
            guard (try? JSONReader().read(Array(text.utf8))).map({ if case .number = $0 { return true } else { return false } }) == true
            else {
                throw FHIRParseError(.invalidStructure, offset: 0, "a \(type) must be a number", path: path)
            }
            return .number(text)
        }
        return .string(text)
    }

    /// The XHTML of a narrative `div`, as the JSON form holds it: the default namespace declared on the `div`,
    /// no prefixes, attributes in double quotes, `&`, `<` and `>` escaped in text, empty elements closed with an
    /// end tag except the void ones (`<br/>`), comments dropped.
    static func xhtml(_ node: xmlNodePtr, path: String) throws(FHIRParseError) -> String {
        guard namespace(node) == xhtmlNamespace, name(node) == "div" else {
            throw FHIRParseError(.invalidStructure, offset: 0, "must be an XHTML div", path: path)
        }
        var out: [UInt8] = []
        serialize(node, root: true, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The XHTML `div` text in the form ``xhtml(_:path:)`` writes, so that two spellings of one narrative
    /// compare equal; `nil` when it is not a well-formed XHTML div.
    public static func normalizedXHTML(_ text: String) -> String? {
        guard let document = try? parse(Array(text.utf8)) else { return nil }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        return try? xhtml(root, path: "div")
    }

    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]

    static func serialize(_ node: xmlNodePtr, root: Bool, into out: inout [UInt8]) {
        let tag = name(node)
        out.append(UInt8(ascii: "<"))
        out += Array(tag.utf8)
        if root { out += Array(" xmlns=\"\(xhtmlNamespace)\"".utf8) }
        for (attribute, value) in attributes(node) {
            out += Array(" \(attribute)=\"".utf8)
            XMLText.append(value, quotes: true, into: &out)
            out.append(UInt8(ascii: "\""))
        }
        guard node.pointee.children != nil else {
            out += Array((voidElements.contains(tag) ? "/>" : "></\(tag)>").utf8)
            return
        }
        out.append(UInt8(ascii: ">"))
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                serialize(current, root: false, into: &out)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { XMLText.append(String(cString: content), into: &out) }
            default:
                break
            }
            child = current.pointee.next
        }
        out += Array("</\(tag)>".utf8)
    }
}
