import Foundation

/// Where the tests run. On a CI machine (the `CI` environment variable set, as CI services do) a test never skips
/// for want of a tool or data: it runs and fails, so that a green CI means every test ran.
public enum TestEnvironment {
    /// Whether `CI` is set to anything but empty, `0` or `false`.
    public static let isCI: Bool = {
        guard let value = ProcessInfo.processInfo.environment["CI"]?.trimmingCharacters(in: .whitespaces) else {
            return false
        }
        return !["", "0", "false", "no"].contains(value.lowercased())
    }()

    /// Whether a test that needs something this machine may lack should run: when it is there, and always on CI
    /// (where the test then fails, saying what was missing).
    public static func shouldRun(whenAvailable available: Bool) -> Bool {
        available || isCI
    }
}
