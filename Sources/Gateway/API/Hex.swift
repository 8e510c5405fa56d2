import Store

extension Hex {
    /// `count` random bytes as hex (cryptographically secure randomness).
    static func random(_ count: Int) -> String {
        encode(APIKeys.randomBytes(count))
    }
}
