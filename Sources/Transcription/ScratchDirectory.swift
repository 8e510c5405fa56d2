import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private folder for the temporary files of one decode: mode 0700, files in it 0600, removed by ``remove()``.
///
/// Its name carries the process id (`notebridge-audio-<pid>-XXXXXX`), so that folders left behind by a process that
/// was killed before it could clean up are removed by the next process's ``sweepAbandoned(in:)``.
struct ScratchDirectory: Sendable {
    static let namePrefix = "notebridge-audio-"

    /// The folder's path.
    let path: String

    /// The parent folders already swept by this process.
    private static let swept = Mutex<Set<String>>([])

    /// Creates a new private folder under `parent` (the system's temporary folder when nil). The first time a
    /// process uses a parent, the folders that killed processes left in it are removed first.
    init(parent: String?) throws(TranscriptionError) {
        let base = parent ?? Self.systemTemporaryDirectory
        if Self.swept.withLock({ $0.insert(base).inserted }) { Self.sweepAbandoned(in: base) }
        var template = Array("\(base)/\(Self.namePrefix)\(getpid())-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let start = buffer.baseAddress else { return false }
            return mkdtemp(start) != nil
        }
        guard made else {
            throw TranscriptionError(.decoderUnavailable, reason: "a private temporary folder could not be created")
        }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkdtemp creates the folder 0700 already; say so explicitly in case of an unusual libc.
        chmod(path, 0o700)
    }

    /// Creates an empty file named `name` in the folder, mode 0600, and writes `bytes` to it.
    func createFile(named name: String, contents bytes: some Collection<UInt8>) throws(TranscriptionError) -> String {
        let filePath = path + "/" + name
        let descriptor = open(filePath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw TranscriptionError(.decoderUnavailable, reason: "a private temporary file could not be created")
        }
        defer { close(descriptor) }
        let data = Array(bytes)
        var written = 0
        while written < data.count {
            let count = data.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return write(descriptor, base + written, data.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw TranscriptionError(.decoderUnavailable, reason: "a private temporary file could not be written")
            }
            written += count
        }
        return filePath
    }

    /// Removes the folder and everything in it. Never throws: a failure leaves it for the next sweep.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The system's temporary folder: `TMPDIR`, else `/tmp`.
    static var systemTemporaryDirectory: String {
        let environment = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        let trimmed = environment.hasSuffix("/") ? String(environment.dropLast()) : environment
        return trimmed.isEmpty ? "/tmp" : trimmed
    }

    /// Removes the scratch folders under `parent` whose process no longer runs (it was killed mid-decode), and
    /// returns how many it removed. Folders of running processes, this one included, are left alone.
    @discardableResult
    static func sweepAbandoned(in parent: String?) -> Int {
        let base = parent ?? systemTemporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(namePrefix) {
            let rest = name.dropFirst(namePrefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            if (try? FileManager.default.removeItem(atPath: base + "/" + name)) != nil { removed += 1 }
        }
        return removed
    }
}
