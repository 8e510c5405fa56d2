#!/usr/bin/env python3
"""Generates Sources/FHIR/Generated/R4Models.swift: typed FHIR R4 (4.0.1) models (views over a JSONValue
object, see Sources/FHIR/FHIRModel.swift) for the resources NoteBridge reads and writes, their backbone
elements, and every data type they reach.

Input: the committed table Sources/FHIR/Generated/R4DefinitionsData.swift (written by build_fhir_r4.py), so
nothing is downloaded or installed. Standard library only.

Usage: python3 scripts/build_fhir_models.py
Running it twice gives the same file.
"""
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[1]
TABLE = REPO / "Sources" / "FHIR" / "Generated" / "R4DefinitionsData.swift"
OUTPUT = REPO / "Sources" / "FHIR" / "Generated" / "R4Models.swift"

RESOURCES = [
    "Patient", "Practitioner", "Organization", "Encounter", "DocumentReference", "Composition", "Condition",
    "ChargeItem", "Provenance", "AuditEvent", "Device", "Bundle", "Parameters", "OperationOutcome",
    "CapabilityStatement", "Binary",
]
# `Element` (id and extensions) is the type of a primitive's `_name` companion.
EXTRA = ["Element"]

STRING_LIKE = {
    "string", "code", "uri", "url", "canonical", "id", "oid", "uuid", "markdown", "date", "dateTime", "instant",
    "time", "base64Binary", "xhtml",
}
INTEGERS = {"integer", "unsignedInt", "positiveInt"}
PRIMITIVES = STRING_LIKE | INTEGERS | {"boolean", "decimal"}

# Swift keywords that cannot be property names without backticks.
KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
    "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
    "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
    "where", "while", "as", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "Any",
}
RESERVED_MEMBERS = {"json", "fhirType", "resourceType"}

LINE_LENGTH = 120


def read_table():
    text = TABLE.read_text(encoding="utf-8")
    body = text.split('#"""\n', 1)[1].split('\n"""#', 1)[0]
    types = {}
    current = None
    for line in body.split("\n"):
        if not line:
            continue
        fields = line.split("\t")
        if line.startswith("\t"):
            name, kind, flags, choice = fields[1], fields[2], fields[3], fields[4]
            types[current]["elements"].append(
                {"name": name, "type": kind, "list": "L" in flags, "required": "R" in flags, "choice": choice})
        else:
            current = fields[0]
            types[current] = {"kind": fields[1], "elements": []}
    return types


def closure(types):
    seen = []
    stack = list(RESOURCES) + EXTRA
    while stack:
        name = stack.pop(0)
        if name in seen:
            continue
        seen.append(name)
        for element in types[name]["elements"]:
            if element["type"] not in PRIMITIVES and element["type"] != "Resource":
                stack.append(element["type"])
    return seen


def owners(types, names):
    """The first (type, element) that has each backbone type, for its doc comment."""
    found = {}
    for name in sorted(names):
        for element in types[name]["elements"]:
            found.setdefault(element["type"], (name, element["name"]))
    return found


def swift_name(name):
    return f"`{name}`" if name in KEYWORDS else name


def accessor(doc, name, swift_type, getter, setter):
    prop = swift_name(name)
    lines = [f"        /// {doc}"]
    one = f"        public var {prop}: {swift_type} {{ get {{ {getter} }} set {{ {setter} }} }}"
    if len(one) <= LINE_LENGTH:
        lines.append(one)
    else:
        lines += [
            f"        public var {prop}: {swift_type} {{",
            f"            get {{ {getter} }}",
            f"            set {{ {setter} }}",
            "        }",
        ]
    return lines


def element_lines(type_name, kind, element):
    name, fhir, is_list = element["name"], element["type"], element["list"]
    facts = [f"list of {fhir}" if is_list else fhir]
    if element["required"]:
        facts.append("required")
    if element["choice"]:
        facts.append(f"one of `{element['choice']}[x]`")
    doc = f"`{name}`: {', '.join(facts)}."
    key = f'"{name}"'
    if fhir in PRIMITIVES:
        if fhir in STRING_LIKE:
            swift, get, put = "String", "string", "setString"
        elif fhir in INTEGERS:
            swift, get, put = "Int", "integer", "setInteger"
        elif fhir == "boolean":
            swift, get, put = "Bool", "bool", "setBool"
        else:
            swift, get, put = "FHIRDecimal", "decimal", "setDecimal"
        if is_list:
            plural = {"string": "strings", "integer": "integers", "bool": "booleans", "decimal": "decimals"}[get]
            lines = accessor(doc, name, f"[{swift}]", f"{plural}({key})",
                             f"set{plural[0].upper()}{plural[1:]}({key}, newValue)")
        else:
            lines = accessor(doc, name, f"{swift}?", f"{get}({key})", f"{put}({key}, newValue)")
        # Element ids and extension urls are plain JSON; xhtml has no `_div`.
        plain = (name == "id" and kind != "resource") or (type_name == "Extension" and name == "url")
        if not plain and fhir != "xhtml":
            companion = f'"_{name}"'
            companion_doc = f"`_{name}`: the ids and extensions of `{name}`, aligned with its values." if is_list \
                else f"`_{name}`: the id and extensions of `{name}`."
            if is_list:
                lines += accessor(companion_doc, name + "Element", "[Element?]", f"primitiveElements({companion})",
                                  f"setPrimitiveElements({companion}, newValue)")
            else:
                lines += accessor(companion_doc, name + "Element", "Element?", f"element({companion})",
                                  f"setElement({companion}, newValue)")
        return lines
    if fhir == "Resource":
        if is_list:
            return accessor(doc, name, "[JSONValue]", f"resources({key})", f"setResources({key}, newValue)")
        return accessor(doc, name, "JSONValue?", f"resource({key})", f"setResource({key}, newValue)")
    if is_list:
        return accessor(doc, name, f"[{fhir}]", f"elements({key})", f"setElements({key}, newValue)")
    return accessor(doc, name, f"{fhir}?", f"element({key})", f"setElement({key}, newValue)")


# Data types that the table (from fhir.resources) lists as backbone elements.
DATATYPE_LIKE = {"Dosage", "Timing"}


def type_doc(name, kind, owner):
    if kind == "resource":
        return f"The FHIR R4 `{name}` resource (http://hl7.org/fhir/R4/{name.lower()}.html)."
    if kind == "backbone" and owner and name not in DATATYPE_LIKE:
        return f"The `{owner[1]}` backbone element of `{owner[0]}`."
    return f"The FHIR R4 `{name}` data type (http://hl7.org/fhir/R4/datatypes.html)."


def generate():
    TYPES = read_table()
    names = closure(TYPES)
    owner = owners(TYPES, names)
    out = [
        "// Generated by scripts/build_fhir_models.py from R4DefinitionsData.swift (FHIR R4 4.0.1). Do not edit.",
        "// Typed views over JSON (see FHIRModel.swift): one accessor per element in specification order, and",
        "// `<name>Element` for a primitive's `_name` companion.",
        "",
    ]
    for name in sorted(names):
        definition = TYPES[name]
        kind = definition["kind"]
        elements = definition["elements"]
        members = {e["name"] for e in elements}
        for element in elements:
            if element["name"] in RESERVED_MEMBERS or element["name"] + "Element" in members:
                raise SystemExit(f"{name}.{element['name']}: accessor name clash")
        protocol = "FHIRResourceModel" if kind == "resource" else "FHIRElementModel"
        out += [
            "extension R4 {",
            f"    /// {type_doc(name, kind, owner.get(name))}",
            f"    public struct {name}: {protocol} {{",
        ]
        if kind == "resource":
            out += [f"        /// `{name}`.", f'        public static let resourceType = "{name}"']
        else:
            out += [f"        /// `{name}`.", f'        public static let fhirType = "{name}"']
        out += [
            "        /// The JSON this is a view of.",
            "        public var json: JSONValue",
            "        /// A view of `json`, unchecked.",
            "        public init(json: JSONValue) { self.json = json }",
            "",
        ]
        for element in elements:
            out += element_lines(name, kind, element)
        out += ["    }", "}", ""]
    out += [
        "extension R4 {",
        "    /// The model type of a `resourceType` (`Patient` gives `R4.Patient.self`), when there is one.",
        "    public static func modelType(forResourceType name: String) -> (any FHIRResourceModel.Type)? {",
        "        switch name {",
    ]
    for name in sorted(RESOURCES):
        out.append(f'        case "{name}": {name}.self')
    out += ["        default: nil", "        }", "    }", "}", ""]
    text = "\n".join(out[:-1]) + "\n"
    for line in text.split("\n"):
        if len(line) > LINE_LENGTH:
            raise SystemExit(f"line too long: {line}")
    OUTPUT.write_text(text, encoding="utf-8")
    lines = text.count("\n")
    print(f"{OUTPUT.relative_to(REPO)}: {len(names)} types, {lines} lines")


if __name__ == "__main__":
    generate()
