import NIOCore
import NIOSSL

/// Describes `error` for a log line without risking message content.
///
/// Errors of the transport and TLS layers carry only codes and are described in full; any other error is named by
/// its type, since its description might quote the bytes that caused it.
func mllpLogDescription(of error: any Error) -> String {
    switch error {
    case let error as MLLPError:
        return "MLLPError.\(error.code): \(error.reason)"
    case let error as IOError:
        return "\(error)"
    case let error as ChannelError:
        return "\(error)"
    case let error as NIOSSLError:
        return "\(error)"
    case let error as BoringSSLError:
        return "\(error)"
    default:
        return String(reflecting: type(of: error))
    }
}
