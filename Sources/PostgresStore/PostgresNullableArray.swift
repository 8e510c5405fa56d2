import NIOCore
import PostgresNIO

/// A one-dimensional PostgreSQL array whose elements may be `NULL`, in the binary array format (PostgresNIO binds
/// arrays of non-optional values only): dimensions, a has-nulls flag, the element type, then the length and lower
/// bound of the one dimension, then each element as its length (`-1` for `NULL`) and bytes.
struct PostgresNullableArray<Element: PostgresArrayEncodable>: PostgresEncodable {
    /// The elements, in order.
    var elements: [Element?]

    static var psqlType: PostgresDataType { Element.psqlArrayType }

    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) throws {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }
}
