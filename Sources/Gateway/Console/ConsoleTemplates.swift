import Mustache

/// The console's page templates (Mustache, embedded in the binary), parsed once: every page extends `layout`.
struct ConsoleTemplates: Sendable {
    let library: MustacheLibrary

    /// The embedded templates by name.
    static let sources: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache, "login": PackageResources.login_mustache,
        "error": PackageResources.error_mustache, "dashboard": PackageResources.dashboard_mustache,
        "messages": PackageResources.messages_mustache, "message": PackageResources.message_mustache,
        "outbox": PackageResources.outbox_mustache, "confirm": PackageResources.confirm_mustache,
        "playground": PackageResources.playground_mustache, "keys": PackageResources.keys_mustache,
        "settings": PackageResources.settings_mustache, "mappings": PackageResources.mappings_mustache,
        "audit": PackageResources.audit_mustache,
    ]

    /// Parses every template; a template that does not parse is a programming error caught by the tests.
    init() throws {
        var library = MustacheLibrary()
        for (name, bytes) in Self.sources {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// The page `name` rendered with `values` (text HTML-escaped by Mustache's `{{ }}`); `nil` for an unknown name.
    func render(_ name: String, _ values: [String: Any]) -> String? {
        library.render(values, withTemplate: name)
    }
}
