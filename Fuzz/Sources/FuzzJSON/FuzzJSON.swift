// Fuzz target: `JSONReader`, the bounded JSON reader every JSON body goes through first (`/v1` request bodies with
// depth 32, `/fhir` bodies and subscription notifications with depth 64), and `JSONWriter`.
//
// Invariants checked on every input:
// - A value read is never nested deeper than the limit, and a failure names an offset inside the input.
// - Read -> write -> read gives the same value (compact and pretty), and writing is a fixed point: writing the value
//   read back gives the same bytes.
// - The reader with the `/v1` limit (depth 32) accepts exactly what the depth-64 reader accepts at depth 32 or less.

import FHIR
import FuzzSupport

func depth(_ value: JSONValue) -> Int {
    switch value {
    case .object(let members): 1 + (members.map { depth($0.value) }.max() ?? 0)
    case .array(let items): 1 + (items.map(depth).max() ?? 0)
    default: 0
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    let fhirReader = JSONReader(limits: JSONReader.Limits(maximumBytes: 1 << 20, maximumDepth: 64))
    let requestReader = JSONReader(limits: JSONReader.Limits(maximumBytes: input.count, maximumDepth: 32))

    let value: JSONValue
    do {
        value = try fhirReader.read(input)
    } catch {
        require(error.offset >= 0 && error.offset <= max(input.count, 1 << 20), "an error offset is outside the input")
        if error.code != .tooDeep && error.code != .tooLarge {
            // A failure that is not about depth or size is the same failure at the smaller depth limit, or a depth failure.
            do {
                _ = try requestReader.read(input)
                require(false, "the /v1 reader accepts what the FHIR reader refuses")
            } catch {}
        }
        return 0
    }
    let valueDepth = depth(value)
    require(valueDepth <= 64, "a value is nested deeper than the limit")
    do {
        let small = try requestReader.read(input)
        require(valueDepth <= 32, "the /v1 reader accepted a value deeper than its limit")
        require(small == value, "the two readers read different values")
    } catch {
        require(error.code == .tooDeep && valueDepth > 32, "the /v1 reader refused a value the FHIR reader read")
    }

    for pretty in [false, true] {
        let written = JSONWriter.write(value, pretty: pretty)
        let reread: JSONValue
        do {
            reread = try fhirReader.read(written)
        } catch {
            require(false, "written JSON does not read again: \(error.code)")
            return 0
        }
        require(reread == value, "read -> write -> read changed the value")
        require(JSONWriter.write(reread, pretty: pretty) == written, "writing is not a fixed point")
    }
    return 0
}

/// The program's entry point under SwiftPM, which links an executable with `FuzzJSON_main` as `main`.
@_cdecl("FuzzJSON_main")
public func fuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzJSON)
}
