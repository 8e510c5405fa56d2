#!/usr/bin/env python3
"""Builds the Terminology module's ICD-10-CM table from the CMS/CDC tabular list.

Source: the ICD-10-CM FY2026 tabular list, April 1, 2026 update (`icd10c-tabular-April-1-2026.xml`), as
shipped in the PyPI package `simple-icd-10-cm` 1.5.0 (data: CDC/NCHS, public domain; package: MIT). The
wheel is fetched with `pip download` (or given with --wheel) and read with zipfile; nothing else is used.
Output: Sources/Terminology/Generated/ICD10CMData.swift, a tab-separated text embedded as a string.

Lines (one record each, fields separated by TAB; a note line belongs to the record above it):
  C <chapter> <title>              chapter
  S <first> <last> <title>         section (block of categories)
  D <depth> <code> <title>         category or subcategory; depth 0 for a category; code without its dot
  i <text>                         inclusion term
  n <text>                         "Includes" note
  1 <text> <refs>                  Excludes1 note; refs: codes it names (`E10-` a code and all below it,
                                   `A00:A09` a range of categories), comma-separated, possibly empty
  2 <text> <refs>                  Excludes2 note
  f <text> <refs>                  code first
  u <text> <refs>                  use additional code
  a <text> <refs>                  code also
  x <char> <text>                  7th character of the codes below (sevenChrDef)
  h <text>                         the 7th-character note
  - <code>                         a code made with a 7th character that does not exist (S06's note)
Codes with a 7th character are not listed: the reader makes them from the leaf codes below a `x` definition
(padding with X to six characters), as the tabular list's conventions say. The build checks that this gives
exactly the billable codes of the package's code list.

Usage: python3 scripts/build_icd10cm.py [--wheel simple_icd_10_cm-1.5.0-py3-none-any.whl]
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
import zipfile

REPO = pathlib.Path(__file__).resolve().parents[1]
OUTPUT = REPO / "Sources" / "Terminology" / "Generated" / "ICD10CMData.swift"
PACKAGE = "simple-icd-10-cm==1.5.0"
TABULAR = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
CODE_LIST = "simple_icd_10_cm/data/code-list-April-2026.txt"

CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
REFERENCE = re.compile(rf"({CODE})(\.?-)?(?:\s*-\s*({CODE})(\.?-)?)?")
NOTE_KINDS = {
    "inclusionTerm": "i",
    "includes": "n",
    "excludes1": "1",
    "excludes2": "2",
    "codeFirst": "f",
    "useAdditionalCode": "u",
    "codeAlso": "a",
}
REFERENCED = {"1", "2", "f", "u", "a"}


def clean(text):
    return " ".join((text or "").replace("\t", " ").split())


def references(text):
    """The codes a note names in parentheses: `(E10.-)`, `(O24.4-)`, `(A00-A09)`, `(E11.3-, E11.4-)`."""
    found = []
    for group in re.findall(r"\(([^()]*)\)", text):
        for part in re.split(r",|\bor\b|\band\b", group):
            match = REFERENCE.fullmatch(part.strip())
            if not match:
                continue
            first, first_dash, last, _ = match.groups()
            first = first.replace(".", "")
            if last:
                found.append(f"{first}:{last.replace('.', '')}")
            else:
                found.append(first + ("-" if first_dash else ""))
    return ",".join(dict.fromkeys(found))


def notes(element, lines):
    for child in element:
        kind = NOTE_KINDS.get(child.tag)
        if kind:
            for note in child.findall("note"):
                text = clean(note.text)
                if not text:
                    continue
                lines.append(f"{kind}\t{text}\t{references(text)}" if kind in REFERENCED else f"{kind}\t{text}")
        elif child.tag == "sevenChrNote":
            for note in child.findall("note"):
                lines.append(f"h\t{clean(note.text)}")
        elif child.tag == "sevenChrDef":
            for extension in child.findall("extension"):
                lines.append(f"x\t{extension.get('char')}\t{clean(extension.text)}")


def diag(element, depth, lines, inherited, billable):
    code = clean(element.findtext("name"))
    title = clean(element.findtext("desc"))
    lines.append(f"D\t{depth}\t{code.replace('.', '')}\t{title}")
    notes(element, lines)
    definition = element.find("sevenChrDef")
    if definition is not None:
        inherited = [extension.get("char") for extension in definition.findall("extension")]
    children = element.findall("diag")
    for child in children:
        diag(child, depth + 1, lines, inherited, billable)
    if not children:
        plain = code.replace(".", "")
        if inherited:
            padded = plain.ljust(6, "X")
            billable.update(padded + character for character in inherited)
        else:
            billable.add(plain)


def build(tabular):
    root = ElementTree.fromstring(tabular)
    lines, billable = [], set()
    for chapter in root.findall("chapter"):
        lines.append(f"C\t{clean(chapter.findtext('name'))}\t{clean(chapter.findtext('desc'))}")
        notes(chapter, lines)
        for section in chapter.findall("section"):
            identifier = section.get("id")
            first, _, last = identifier.partition("-")
            lines.append(f"S\t{first}\t{last or first}\t{clean(section.findtext('desc'))}")
            notes(section, lines)
            for category in section.findall("diag"):
                diag(category, 0, lines, None, billable)
    return lines, billable


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--wheel", help="simple_icd_10_cm-1.5.0 wheel (default: pip download it)")
    options = arguments.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        wheel = options.wheel
        if not wheel:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", PACKAGE, "-d", directory],
                check=True,
            )
            wheel = next(pathlib.Path(directory).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            tabular = archive.read(TABULAR)
            code_list = archive.read(CODE_LIST).decode("utf-8").split()
    lines, billable = build(tabular)
    # The package's code list has every code, header or billable; the billable ones are those with no code
    # below them. Ours must be exactly those.
    listed = set(code for code in code_list if "-" not in code and not code.isdigit())
    prefixes = set()
    for code in listed:
        for length in range(3, len(code)):
            prefixes.add(code[:length])
    leaves = listed - prefixes
    # Category S06's note: 7th characters D and S do not apply with 6th character 7 or 8. The reader is
    # told which generated codes do not exist.
    absent = sorted(billable - leaves)
    lines.extend(f"-\t{code}" for code in absent)
    billable -= set(absent)
    if leaves != billable:
        sys.exit(f"build_icd10cm: {len(billable ^ leaves)} codes differ from the code list, e.g. {sorted(billable ^ leaves)[:5]}")
    text = "\n".join(lines) + "\n"
    if '"""#' in text:
        sys.exit("build_icd10cm: the text contains the raw-string terminator")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8") as output:
        output.write("// Generated by scripts/build_icd10cm.py from the ICD-10-CM FY2026 tabular list (April 1, 2026\n")
        output.write("// update; CDC/NCHS, public domain). Do not edit: regenerate.\n\n")
        output.write("/// The tabular list as tab-separated records (see scripts/build_icd10cm.py for the format).\n")
        output.write('let icd10cmTabularText: StaticString = #"""\n')
        output.write(text)
        output.write('"""#\n')
    print(f"build_icd10cm: {len(lines)} lines, {len(billable)} billable codes, {len(text.encode())} bytes -> {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
