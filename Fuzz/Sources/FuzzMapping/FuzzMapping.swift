// Fuzz target: the mapping-file readers, the way `notebridge mappings` and the gateway read `mappings/`: inbound
// HL7 v2 (`hl7-in/`), outbound HL7 v2 (`hl7-out/`) and the FHIR note mapping, all three on every input.
//
// Invariants checked on every input: no reader crashes, hangs or runs out of memory on any text within the size
// limit (YAML nesting, anchors and aliases included), and an error's line, when it names one, is a line of the text.

import FuzzSupport
import Mapping

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let text = String(validating: input, as: UTF8.self) else { return 0 }
    // Lines as YAML counts them, at most: CR, LF, NEL, LS and PS each end one.
    let lineCount = text.unicodeScalars.reduce(1) {
        $0 + (["\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"].contains($1) ? 1 : 0)
    }
    func checkLine(_ error: MappingFileError) {
        if let line = error.line {
            require(line >= 0 && line <= lineCount + 1, "an error names line \(line) of a \(lineCount)-line file")
        }
        _ = MappingFiles.line(of: error.key, in: text)
    }
    do {
        _ = try HL7InboundMapping.configuration(yaml: text, file: "hl7-in/fuzz.yaml")
    } catch {
        checkLine(error)
    }
    do {
        _ = try HL7OutboundMapping(yaml: text, file: "hl7-out/fuzz.yaml")
    } catch {
        checkLine(error)
    }
    do {
        _ = try NoteFHIRMapping(yaml: text)
    } catch {
        _ = MappingFiles.line(of: error.key, in: text)
    }
    return 0
}

/// The program's entry point under SwiftPM, which links an executable with `FuzzMapping_main` as `main`.
@_cdecl("FuzzMapping_main")
public func fuzzMappingMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMapping)
}
