/// Lower-casing of ASCII text straight on its UTF-8 bytes, for the hot paths that lower-case a sentence or a whole
/// transcript only to read its bytes. For ASCII, `String.lowercased()` maps `A`–`Z` to `a`–`z` and leaves every
/// other byte as it is, so the result is the same bytes without building the lower-cased string; any text with a
/// byte outside ASCII answers `nil`, and the caller lower-cases it the general way (some scalars outside ASCII
/// lower-case to ASCII letters: `K` KELVIN SIGN to `k`, `İ` to `i` and a combining dot).
enum LowercasedBytes {
    /// An ASCII byte lower-cased.
    @inline(__always) static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// The lower-cased UTF-8 bytes of an ASCII text, or `nil` when the text has a byte outside ASCII (or its bytes
    /// are not stored in a row).
    static func ascii(_ text: String) -> [UInt8]? {
        let result: [UInt8]?? = text.utf8.withContiguousStorageIfAvailable { bytes -> [UInt8]? in
            var isASCII = true
            let copy = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                for index in 0..<bytes.count {
                    let byte = bytes[index]
                    if byte >= 0x80 {
                        isASCII = false
                        break
                    }
                    buffer[index] = Self.lowered(byte)
                    count = index + 1
                }
            }
            return isASCII ? copy : nil
        }
        return result ?? nil
    }

    /// Reads the lower-cased UTF-8 bytes of an ASCII text without copying them, or answers `nil` (without calling
    /// `body`) when the text has a byte outside ASCII.
    static func withASCII<Result>(
        _ text: String, _ body: (LazyMapSequence<UnsafeBufferPointer<UInt8>, UInt8>) -> Result
    ) -> Result? {
        let result: Result?? = text.utf8.withContiguousStorageIfAvailable { bytes -> Result? in
            for byte in bytes where byte >= 0x80 { return nil }
            return body(bytes.lazy.map(lowered))
        }
        return result ?? nil
    }
}
