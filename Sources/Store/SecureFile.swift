#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// POSIX file operations for files that must stay private to their owner (data keys, the database):
/// owner-only creation with `O_CREAT | O_EXCL`, a permission check on every open, durable (`fsync`) writes.
enum SecureFile {
    /// Permission bits that must be clear on a private file: any access by group or others.
    static let groupAndOtherBits: mode_t = 0o077
    /// Mode of files this type creates.
    static let ownerReadWrite: mode_t = 0o600

    private static let fileTypeMask: mode_t = 0o170_000
    private static let regularFileType: mode_t = 0o100_000

    /// Reads a private file whole; `nil` when it does not exist.
    ///
    /// Throws `insecureCode` when the file is accessible to group or others, `code` on any other failure.
    static func readOwnerOnly(
        path: String,
        maximumSize: Int,
        code: StoreError.Code,
        insecureCode: StoreError.Code
    ) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let failure = errno
            if failure == ENOENT {
                return nil
            }
            throw StoreError(code, reason: "cannot open \(path): \(describe(failure))")
        }
        defer { _ = close(descriptor) }
        let size = try checkOwnerOnly(descriptor, path: path, code: code, insecureCode: insecureCode)
        guard size <= maximumSize else {
            throw StoreError(code, reason: "\(path) is larger than \(maximumSize) bytes")
        }
        var contents: [UInt8] = []
        contents.reserveCapacity(size)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                Self.readSome(descriptor, raw)
            }
            if count < 0 {
                let failure = errno
                if failure == EINTR {
                    continue
                }
                throw StoreError(code, reason: "cannot read \(path): \(describe(failure))")
            }
            if count == 0 {
                break
            }
            contents.append(contentsOf: buffer[0..<count])
            guard contents.count <= maximumSize else {
                throw StoreError(code, reason: "\(path) is larger than \(maximumSize) bytes")
            }
        }
        return contents
    }

    /// Creates the file with mode 0600 and writes `contents` durably; `false` when the file already exists.
    ///
    /// A file that could not be written completely is removed again.
    static func createExclusive(path: String, contents: [UInt8], code: StoreError.Code) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, ownerReadWrite)
        if descriptor < 0 {
            let failure = errno
            if failure == EEXIST {
                return false
            }
            throw StoreError(code, reason: "cannot create \(path): \(describe(failure))")
        }
        do {
            try writeAll(descriptor, contents, path: path, code: code)
            try synchronize(descriptor, path: path, code: code)
        } catch {
            _ = close(descriptor)
            _ = unlink(path)
            throw error
        }
        _ = close(descriptor)
        return true
    }

    /// Appends `line` (which ends with a newline) to a private file durably, creating it with mode 0600 when
    /// missing. A newline is inserted first when the file does not end with one.
    static func appendLine(
        path: String,
        line: [UInt8],
        code: StoreError.Code,
        insecureCode: StoreError.Code
    ) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, ownerReadWrite)
        if descriptor < 0 {
            throw StoreError(code, reason: "cannot open \(path) for appending: \(describe(errno))")
        }
        defer { _ = close(descriptor) }
        let size = try checkOwnerOnly(descriptor, path: path, code: code, insecureCode: insecureCode)
        var bytes = line
        if size > 0 {
            let readDescriptor = open(path, O_RDONLY | O_CLOEXEC)
            if readDescriptor >= 0 {
                var last: UInt8 = 0
                let count = pread(readDescriptor, &last, 1, off_t(size - 1))
                _ = close(readDescriptor)
                if count == 1, last != UInt8(ascii: "\n") {
                    bytes.insert(UInt8(ascii: "\n"), at: 0)
                }
            }
        }
        try writeAll(descriptor, bytes, path: path, code: code)
        try synchronize(descriptor, path: path, code: code)
    }

    /// Creates an empty file with mode 0600 when it does not exist yet (so files derived from it, such as SQLite's
    /// `-wal` and `-shm`, get the same private mode).
    static func createOwnerOnlyIfMissing(path: String, code: StoreError.Code) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, ownerReadWrite)
        if descriptor < 0 {
            let failure = errno
            if failure == EEXIST {
                return
            }
            throw StoreError(code, reason: "cannot create \(path): \(describe(failure))")
        }
        _ = close(descriptor)
    }

    /// Checks that the open file is a regular file with no group or other permission bits; returns its size.
    private static func checkOwnerOnly(
        _ descriptor: Int32,
        path: String,
        code: StoreError.Code,
        insecureCode: StoreError.Code
    ) throws -> Int {
        var information = stat()
        guard fstat(descriptor, &information) == 0 else {
            throw StoreError(code, reason: "cannot stat \(path): \(describe(errno))")
        }
        guard information.st_mode & fileTypeMask == regularFileType else {
            throw StoreError(code, reason: "\(path) is not a regular file")
        }
        let permissions = information.st_mode & 0o7777
        guard permissions & groupAndOtherBits == 0 else {
            let octal = String(permissions, radix: 8)
            throw StoreError(
                insecureCode,
                reason: "\(path) has mode 0\(octal); it must not be accessible to group or others (chmod 600)"
            )
        }
        return Int(information.st_size)
    }

    private static func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else {
            return 0
        }
        return read(descriptor, base, buffer.count)
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String, code: StoreError.Code) throws {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else {
                return
            }
            var offset = 0
            while offset < raw.count {
                let count = write(descriptor, base + offset, raw.count - offset)
                if count < 0 {
                    let failure = errno
                    if failure == EINTR {
                        continue
                    }
                    throw StoreError(code, reason: "cannot write \(path): \(describe(failure))")
                }
                offset += count
            }
        }
    }

    private static func synchronize(_ descriptor: Int32, path: String, code: StoreError.Code) throws {
        guard fsync(descriptor) == 0 else {
            throw StoreError(code, reason: "cannot fsync \(path): \(describe(errno))")
        }
    }

    private static func describe(_ failure: Int32) -> String {
        guard let text = strerror(failure) else {
            return "errno \(failure)"
        }
        return "\(String(cString: text)) (errno \(failure))"
    }
}
