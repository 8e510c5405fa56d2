// Fuzz target: `FHIRXMLReader` (libxml2 with entities off and DTDs refused) as the `/fhir` routes use it, then the
// structural validator and `FHIRXMLWriter` on what it read.
//
// Invariants checked on every input:
// - What the reader returns is JSON that `JSONWriter` writes and `JSONReader` reads back unchanged.
// - When the writer can write what was read, the reader reads the writer's XML, and writing that again gives the
//   same bytes (the writer's output is a fixed point of read -> write).

import FHIR
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFHIRXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    let limits = JSONReader.Limits(maximumBytes: 1 << 20, maximumDepth: 64)
    let reader = FHIRXMLReader(limits: limits)
    guard let resource = try? reader.read(input) else { return 0 }

    let json = JSONWriter.write(resource)
    require((try? JSONReader(limits: limits).read(json)) == resource, "the resource read does not survive JSON")
    _ = FHIRValidator().validate(resource)

    guard let written = try? FHIRXMLWriter().write(resource) else { return 0 }
    let reread: JSONValue
    do {
        reread = try reader.read(written)
    } catch {
        require(false, "the writer's XML does not read again: \(error.code)")
        return 0
    }
    do {
        let rewritten = try FHIRXMLWriter().write(reread)
        require(rewritten == written, "read -> write is not a fixed point")
    } catch {
        require(false, "what was read from the writer's XML cannot be written: \(error.code)")
    }
    return 0
}

/// The program's entry point under SwiftPM, which links an executable with `FuzzFHIRXML_main` as `main`.
@_cdecl("FuzzFHIRXML_main")
public func fuzzFHIRXMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzFHIRXML)
}
