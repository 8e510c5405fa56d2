// Minimal Lower Layer Protocol framing bytes, HL7 v2.5.1 Implementation Guide for
// Transmission Over TCP/IP, appendix C ("MLLP"), section C.4.2 "Block format".

/// The bytes that delimit an MLLP block: `<VT> content <FS><CR>`.
public enum MLLPFraming {
    /// Start block character, vertical tab (`0x0B`), written before the content.
    public static let startBlock: UInt8 = 0x0B

    /// End block character, file separator (`0x1C`), written after the content.
    public static let endBlock: UInt8 = 0x1C

    /// Carriage return (`0x0D`), written after the end block character.
    public static let carriageReturn: UInt8 = 0x0D

    /// The default largest accepted content size of one frame: 1 MiB.
    public static let defaultMaximumFrameSize = 1_048_576

    /// How many content bytes of an oversize frame are kept and handed on (8 KiB), enough to read its MSH segment.
    public static let oversizeHeadSize = 8_192
}
