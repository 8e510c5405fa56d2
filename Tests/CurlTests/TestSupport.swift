import Curl
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// A port on 127.0.0.1 that nothing listens on: bound, then closed.
func closedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    let port = try #require(channel.localAddress?.port)
    try await channel.close()
    return port
}

/// Expects `body` to throw a ``CurlError`` with `code` and returns it.
@discardableResult
func expectCurlError(
    _ code: CurlError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> CurlResponse
) async -> CurlError? {
    do {
        let response = try await body()
        Issue.record("expected CurlError.\(code), got \(response)", sourceLocation: sourceLocation)
        return nil
    } catch let error as CurlError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected CurlError.\(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// `count` bytes of printable ASCII, cycling through a to z.
func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) }
}
