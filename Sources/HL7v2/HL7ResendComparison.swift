// Duplicate detection on the message control ID (HL7 v2.5 chapter 2, section 2.10.1 "Message control ID" and
// 2.15.9 MSH-10): a receiver that sees the same MSH-10 again from the same sender treats it as a resend. A resend
// carries a new MSH-7 (the time it was sent again) but is otherwise the same message; anything else that differs
// means the sender reused the control ID for another message.

/// The bytes that must match for a message to be a resend of an earlier one with the same sender and MSH-10.
public enum HL7ResendComparison {
    /// The message with MSH-7 (date/time of message) left empty and its segment terminators normalised (CR LF
    /// and LF read as CR; terminators at the end dropped), so that a resend compares equal to the original.
    /// Bytes that do not start with an MSH segment are returned normalised and otherwise unchanged.
    public static func comparableBytes(of bytes: [UInt8]) -> [UInt8] {
        var normalized = bytes.withUnsafeBufferPointer { HL7Scanner.normalizeLineFeeds($0) }
        while normalized.last == HL7Byte.carriageReturn { normalized.removeLast() }
        guard normalized.count > 4, normalized.starts(with: Array("MSH".utf8)) else { return normalized }
        let separator = normalized[3]
        let headerEnd = normalized.firstIndex(of: HL7Byte.carriageReturn) ?? normalized.count
        // normalized[3] is MSH-1; counting separators from there, MSH-n starts after the (n-1)th.
        var fieldNumber = 1
        var start: Int?
        var end = headerEnd
        var position = 3
        while position < headerEnd {
            if normalized[position] == separator {
                fieldNumber += 1
                if fieldNumber == 7 {
                    start = position + 1
                } else if fieldNumber == 8 {
                    end = position
                    break
                }
            }
            position += 1
        }
        guard let start else { return normalized }
        normalized.removeSubrange(start..<end)
        return normalized
    }
}
