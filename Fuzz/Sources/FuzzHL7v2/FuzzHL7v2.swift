// Fuzz target: the HL7 v2 ER7 parser (`HL7Message`, `HL7Batch`, `HL7ReceivedHeader(probing:)`) and what the MLLP
// intake does with its result (the acknowledgment builder, terser reads, the message builder).
//
// Invariants checked on every input:
// - Parsing is lossless: `encoded()` is the input with a leading BOM removed and CR LF / LF turned into CR, and
//   parsing `encoded()` again gives the same bytes (the same holds for a batch).
// - `HL7MessageBuilder(message:)` keeps every element as received: its bytes are the message's
//   (with a final CR, without empty lines).
// - The acknowledgment built for a parsed message, or for the header probed from bytes that did not parse, is
//   itself a message the parser reads, and its MSA-2 is the control ID it answers.
// - A value set with the builder reads back unchanged; escaping then unescaping a value gives the value (a line
//   break, CR LF or LF, comes back as LF: `\.br\`).

import FuzzSupport
import HL7v2

/// ER7 as the parser promises to keep it: BOM dropped, CR LF and LF segment terminators turned into CR.
func normalized(_ input: [UInt8]) -> [UInt8] {
    var bytes = input[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var previousWasCR = false
    for byte in bytes {
        if byte == 0x0A {
            if !previousWasCR { output.append(0x0D) }
            previousWasCR = false
            continue
        }
        output.append(byte)
        previousWasCR = byte == 0x0D
    }
    return output
}

/// Limits generous enough that an acknowledgment never trips them (its fields are copied from the input).
let acknowledgmentLimits = HL7ParserLimits(
    maximumMessageBytes: 1 << 24, maximumSegments: 100, maximumFieldsPerSegment: 10_000,
    maximumRepetitionsPerField: 10_000, maximumComponentsPerRepetition: 10_000,
    maximumSubcomponentsPerComponent: 10_000)

/// Small limits, so that the fuzzer reaches every limit check with short inputs.
let smallLimits = HL7ParserLimits(
    maximumMessageBytes: 4_096, maximumSegments: 20, maximumFieldsPerSegment: 30, maximumRepetitionsPerField: 10,
    maximumComponentsPerRepetition: 10, maximumSubcomponentsPerComponent: 5)

/// Escaping writes a line break (CR LF or LF) as `\.br\`, which reads back as LF: values compare with that applied.
func lineBreaksAsLF(_ text: String) -> String {
    String(text.map { $0 == "\r\n" ? Character("\n") : $0 })
}

func checkAcknowledgment(for header: HL7ReceivedHeader, parsed: Bool) {
    let builder = HL7AcknowledgmentBuilder()
    let error = HL7AcknowledgmentError(
        code: .dataTypeError, location: HL7Location(segmentIndex: 2, segmentName: "PID", field: 5),
        diagnostic: "fuzz | ^ ~ \\ & diagnostic")
    for code in [HL7AcknowledgmentCode.applicationAccept, .applicationError, .commitReject] {
        let bytes = builder.acknowledgment(
            for: header, code: code, errors: code.isAccept ? [] : [error], controlID: "NB-ACK-1")
        let acknowledgment: HL7Message
        do {
            acknowledgment = try HL7Message(parsing: bytes, limits: acknowledgmentLimits)
        } catch {
            require(false, "the acknowledgment of a \(parsed ? "parsed" : "probed") header does not parse: \(error.code)")
            return
        }
        require(acknowledgment.segment("MSA") != nil, "the acknowledgment has no MSA segment")
        require(acknowledgment["MSA-1"] == code.rawValue, "MSA-1 is not the acknowledgment code")
        if parsed, header.controlID.unicodeScalars.allSatisfy({ $0.isASCII }) {
            require(
                acknowledgment["MSA-2"].map(lineBreaksAsLF) == lineBreaksAsLF(header.controlID),
                "MSA-2 is not the control ID answered")
        }
        require(
            acknowledgment.segments.count == 2 || acknowledgment.segment("ERR") != nil,
            "the acknowledgment has an unexpected segment")
    }
}

func walk(_ message: HL7Message) {
    var count = 0
    for segment in message.segments {
        count &+= segment.name.utf8.count &+ segment.er7.utf8.count
        for field in segment.fields {
            count &+= field.encodedValue.utf8.count &+ field.value.utf8.count
            _ = field.isNull
            for repetition in field.repetitions {
                count &+= repetition.value.utf8.count
                for component in repetition.components {
                    count &+= component.encodedValue.utf8.count
                    for subcomponent in component.subcomponents { count &+= subcomponent.utf8.count }
                }
            }
        }
    }
    for path in ["MSH-9.1", "MSH-10", "PID-3(2).1", "PID-5.1.1", "OBX(2)-5", "TXA-12.3", "ZZZ-1"] {
        if let parsed = try? HL7TerserPath(parsing: path) {
            _ = message.value(at: parsed)
            _ = message.presence(at: parsed)
            _ = message.encodedValue(at: parsed)
        }
    }
    _ = message.jsonString()
    _ = message.er7
    _ = HL7ResendComparison.comparableBytes(of: message.bytes)
    _ = count
}

func checkEdits(_ message: HL7Message) {
    guard message.delimiters.hasEscape, message.delimiters.hasSubcomponentSeparator else { return }
    // A value from the message itself, decoded: every byte the fuzzer found interesting, delimiters included.
    let value = message.segments.last?.field(1)?.value ?? ""
    guard message.characterSet == .utf8 || value.unicodeScalars.allSatisfy({ $0.isASCII }) else { return }
    let encoded = HL7Escaping.encode(value, delimiters: message.delimiters, characterSet: message.characterSet)
    let decoded = HL7Escaping.decode(encoded, delimiters: message.delimiters, characterSet: message.characterSet)
    require(
        lineBreaksAsLF(decoded) == lineBreaksAsLF(value),
        "escaping then unescaping a value changed it: \(firstDifference(Array(decoded.utf8), Array(value.utf8)))")
    guard let path = try? HL7TerserPath(parsing: "PID-5.1.2") else { return }
    guard let edited = try? message.setting(value, at: path) else { return }
    require(
        edited.value(at: path).map(lineBreaksAsLF) == lineBreaksAsLF(value),
        "a value set with the builder does not read back unchanged")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHL7v2(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    let expected = normalized(input)

    if let probed = HL7ReceivedHeader(probing: input) {
        checkAcknowledgment(for: probed, parsed: false)
    }
    _ = try? HL7Message(parsing: input, limits: smallLimits)

    if let message = try? HL7Message(parsing: input) {
        require(
            message.encoded() == expected,
            "parse -> encode is not the normalised input: \(firstDifference(message.encoded(), expected))")
        let again: HL7Message
        do {
            again = try HL7Message(parsing: message.encoded())
        } catch {
            require(false, "the encoded message does not parse again: \(error.code)")
            return 0
        }
        require(again.encoded() == message.encoded(), "parse -> encode -> parse -> encode changed the bytes")
        // The builder writes each segment followed by CR: a message parsed without a final CR gains one, and empty
        // lines between segments (kept by the parser, which keeps every byte) are not segments; nothing else changes.
        let rebuilt = HL7MessageBuilder(message: message).encoded()
        let terminated = message.bytes.split(separator: 0x0D).flatMap { $0 + [0x0D] }
        require(rebuilt == terminated, "the builder changed a parsed message: \(firstDifference(rebuilt, terminated))")
        walk(message)
        checkAcknowledgment(for: HL7ReceivedHeader(message: message), parsed: true)
        checkEdits(message)
    }

    if HL7Batch.isBatch(input) || input.count < 4_096, let batch = try? HL7Batch(parsing: input) {
        require(batch.encoded() == expected, "batch parse -> encode is not the normalised input")
        for message in batch.messages { walk(message) }
        _ = batch.envelope
    }
    return 0
}

/// The program's entry point under SwiftPM, which links an executable with `FuzzHL7v2_main` as `main`.
@_cdecl("FuzzHL7v2_main")
public func fuzzHL7v2Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzHL7v2)
}
