import Foundation

/// The console's cookies (RFC 6265): the session cookie and the sign-in form's double-submit cookie. Both are
/// `HttpOnly`, `SameSite=Strict`, scoped to `/console`, and `Secure` when the listener has TLS.
enum ConsoleCookie {
    /// The session cookie's name.
    static let session = "nb_console"
    /// The sign-in form's anti-forgery cookie's name.
    static let signIn = "nb_console_signin"

    /// A `Set-Cookie` value that sets `name` to `value` for `maxAge` seconds.
    static func set(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> String {
        var parts = ["\(name)=\(value)", "Path=/console", "Max-Age=\(maxAge)", "HttpOnly", "SameSite=Strict"]
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// A `Set-Cookie` value that removes `name`.
    static func clear(_ name: String, secure: Bool) -> String {
        set(name, "", maxAge: 0, secure: secure)
    }

    /// The value of cookie `name` in a `Cookie` header (`a=1; b=2`), when present and well formed (base64url).
    static func value(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            guard trimmed[..<equals] == name else { continue }
            let value = String(trimmed[trimmed.index(after: equals)...])
            let wellFormed = value.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
            guard (1...128).contains(value.utf8.count), wellFormed else { return nil }
            return value
        }
        return nil
    }
}
