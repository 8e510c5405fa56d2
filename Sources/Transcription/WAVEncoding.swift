/// Writes decoded audio as a WAV file (RIFF, PCM format 1), the container every speech service reads.
///
/// Layout (Microsoft RIFF/WAVE, "Multimedia Programming Interface and Data Specifications 1.0", the `fmt ` chunk of
/// WAVE_FORMAT_PCM); every integer little-endian:
///
/// ```
/// offset  size  field
///      0     4  "RIFF"
///      4     4  36 + data size (the rest of the file)
///      8     4  "WAVE"
///     12     4  "fmt "
///     16     4  16 (the size of the fmt chunk)
///     20     2  1 (PCM)
///     22     2  channels (1)
///     24     4  sample rate
///     28     4  byte rate (sample rate × channels × 2)
///     32     2  block align (channels × 2)
///     34     2  bits per sample (16)
///     36     4  "data"
///     40     4  data size (samples × 2)
///     44     …  the samples, signed 16-bit
/// ```
enum WAVEncoding {
    /// The size of the header before the samples.
    static let headerLength = 44

    /// The most samples one file holds: the RIFF size field is 32 bits.
    static let maximumSamples = (Int(UInt32.max) - headerLength) / 2

    /// A mono 16-bit PCM WAV file of `samples` at `sampleRate`; samples past ``maximumSamples`` are left out.
    static func encode(_ samples: some Collection<Int16>, sampleRate: Int) -> [UInt8] {
        let count = min(samples.count, maximumSamples)
        let dataLength = UInt32(count * 2)
        let rate = UInt32(clamping: max(1, sampleRate))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerLength + count * 2)
        bytes += Array("RIFF".utf8)
        append(UInt32(36) + dataLength, to: &bytes)
        bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8)
        append(UInt32(16), to: &bytes)
        append(UInt16(1), to: &bytes)
        append(UInt16(1), to: &bytes)
        append(rate, to: &bytes)
        append(rate &* 2, to: &bytes)
        append(UInt16(2), to: &bytes)
        append(UInt16(16), to: &bytes)
        bytes += Array("data".utf8)
        append(dataLength, to: &bytes)
        for sample in samples.prefix(count) {
            let bits = UInt16(bitPattern: sample)
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return bytes
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { bytes += $0 }
    }
}
