import CCurl
import Curl
import Foundation
import TestSupport
import Testing

/// Callbacks a caller supplies must not reach the machine's credential service through a name that resolves to a
/// link-local or cloud metadata address. The refusal is at connect time, on the resolved address; these tests
/// check the address classifier directly (no test may connect anywhere but loopback) and that a refusing request
/// still reaches a loopback server.
@Suite("Link-local and metadata addresses refused at connect time", .timeLimit(.minutes(1)))
struct LinkLocalRefusalTests {
    static func isRefused(_ text: String) -> Bool {
        if text.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            guard inet_pton(AF_INET6, text, &address.sin6_addr) == 1 else { return false }
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    nb_curl_is_refused_address($0, UInt32(MemoryLayout<sockaddr_in6>.size)) == 1
                }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, text, &address.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                nb_curl_is_refused_address($0, UInt32(MemoryLayout<sockaddr_in>.size)) == 1
            }
        }
    }

    @Test(
        "link-local and metadata addresses are refused, IPv4 mapped into IPv6 too",
        arguments: [
            "169.254.169.254", "169.254.0.1", "100.100.100.200", "fe80::1", "febf::1", "fd00:ec2::254",
            "::ffff:169.254.169.254",
        ])
    func refused(address: String) {
        #expect(Self.isRefused(address))
    }

    @Test(
        "other addresses are not",
        arguments: [
            "127.0.0.1", "10.0.0.1", "192.168.1.10", "169.255.0.1", "100.100.100.201", "::1", "fec0::1",
            "fd00:ec2::253", "2001:db8::1", "::ffff:127.0.0.1",
        ])
    func allowed(address: String) {
        #expect(!Self.isRefused(address))
    }

    @Test("a request that refuses link-local addresses still reaches a loopback server")
    func loopbackStillReached() async throws {
        try await withServer(respond: { _ in Reply(status: 204, headers: [], body: []) }) { server in
            var request = CurlRequest(url: server.url("/callback"))
            request.refusesLinkLocalAddresses = true
            let response = try await CurlClient(maximumConcurrentTransfers: 1).perform(request)
            #expect(response.status == 204)
        }
    }
}
