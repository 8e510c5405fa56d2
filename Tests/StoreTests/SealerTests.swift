import Foundation
import Testing

@testable import Store

@Suite("Sealer")
struct SealerTests {
    private typealias Support = StoreTestSupport

    private func makeSealer(fill: UInt8 = 9, associatedData: [UInt8] = Sealer.journalAssociatedData) throws -> Sealer {
        Sealer(keyring: try Support.keyring(fill: fill), associatedData: associatedData)
    }

    @Test("seal then open returns the plaintext; the sealed form is versioned and hides it")
    func roundTrip() throws {
        let sealer = try makeSealer()
        let plaintext = Support.message(controlID: "SEAL1")
        let sealed = try sealer.seal(plaintext)
        #expect(sealed.keyID == sealer.keyring.activeKeyID)
        #expect(sealed.bytes.first == Sealer.formatVersion)
        #expect(sealed.bytes.count == 1 + 12 + plaintext.count + 16)
        #expect(!Support.contains(sealed.bytes, Array(Support.phiMarker.utf8)))
        #expect(try sealer.open(sealed) == plaintext)
        #expect(try sealer.open(sealer.seal([])) == [])
    }

    @Test("sealing twice uses fresh nonces")
    func freshNonces() throws {
        let sealer = try makeSealer()
        let first = try sealer.seal([1, 2, 3])
        let second = try sealer.seal([1, 2, 3])
        #expect(first.bytes != second.bytes)
        #expect(first.bytes[1..<13] != second.bytes[1..<13])
    }

    @Test("any altered byte fails authentication")
    func tampering() throws {
        let sealer = try makeSealer()
        let sealed = try sealer.seal(Array("payload".utf8))
        for index in 1..<sealed.bytes.count {
            var altered = sealed
            altered.bytes[index] ^= 0x01
            let error = #expect(throws: StoreError.self, "byte \(index)") {
                _ = try sealer.open(altered)
            }
            #expect(error?.code == .openFailed, "byte \(index)")
        }
    }

    @Test("malformed sealed values are refused with distinct codes")
    func malformed() throws {
        let sealer = try makeSealer()
        let sealed = try sealer.seal([1, 2, 3])
        var otherVersion = sealed
        otherVersion.bytes[0] = 2
        let cases: [(SealedValue, StoreError.Code)] = [
            (otherVersion, .unsupportedSealVersion),
            (SealedValue(keyID: sealed.keyID, bytes: Array(sealed.bytes.prefix(20))), .openFailed),
            (SealedValue(keyID: sealed.keyID, bytes: []), .openFailed),
            (SealedValue(keyID: "0000000000000000", bytes: sealed.bytes), .unknownKey),
        ]
        for (index, (value, code)) in cases.enumerated() {
            let error = #expect(throws: StoreError.self, "case \(index)") {
                _ = try sealer.open(value)
            }
            #expect(error?.code == code, "case \(index)")
        }
    }

    @Test("a value sealed for one purpose does not open for another, nor under another key with the same id")
    func bindings() throws {
        let journal = try makeSealer()
        let other = Sealer(keyring: journal.keyring, associatedData: Array("notebridge.notes.v1".utf8))
        let sealed = try journal.seal([4, 5, 6])
        let wrongPurpose = #expect(throws: StoreError.self) {
            _ = try other.open(sealed)
        }
        #expect(wrongPurpose?.code == .openFailed)

        let otherKey = try makeSealer(fill: 10)
        let relabelled = SealedValue(keyID: otherKey.keyring.activeKeyID, bytes: sealed.bytes)
        let wrongKey = #expect(throws: StoreError.self) {
            _ = try otherKey.open(relabelled)
        }
        #expect(wrongKey?.code == .openFailed)
    }
}
