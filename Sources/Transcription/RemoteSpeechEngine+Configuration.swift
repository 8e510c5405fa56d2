import Curl
import Foundation

extension RemoteSpeechEngine {
    /// Which service the remote engine calls, with what key, limits and TLS settings.
    ///
    /// Its `description` never shows the key.
    public struct Configuration: Sendable, Hashable, CustomStringConvertible {
        /// The service's base URL (`http` or `https`), e.g. `http://127.0.0.1:8000`; requests go to
        /// `<base>/v1/audio/transcriptions` (a base already ending in `/v1` is not given a second one).
        public var baseURL: String
        /// The model the service is asked for (`whisper-1`, `Systran/faster-whisper-small`, ...).
        public var model: String
        /// The spoken language as an ISO-639-1 code (`en`); the service guesses when nil.
        public var language: String?
        /// The bearer key sent in `Authorization`; none when nil (a local service).
        public var key: String?
        /// The longest wait for the connection.
        public var connectTimeout: Duration
        /// The longest one upload may take, answer included.
        public var timeout: Duration
        /// How an `https` service is authenticated (CA bundle) and how this client authenticates (certificate).
        public var tls: CurlTLSConfiguration
        /// The largest answer read, in bytes.
        public var maximumResponseBytes: Int
        /// The longest piece of the recording sent in one request, in seconds.
        public var maximumChunkSeconds: Int

        /// The default model name: OpenAI's.
        public static let defaultModel = "whisper-1"
        /// The default largest answer read: 4 MiB.
        public static let defaultMaximumResponseBytes = RemoteTranscriptionAnswer.defaultMaximumBytes
        /// The longest key accepted.
        public static let maximumKeyLength = 4_096

        /// Creates a configuration; by default `whisper-1`, no language, no key, 10 s to connect, 300 s per upload,
        /// the system's trust store, answers up to 4 MiB and pieces of up to 600 s.
        public init(
            baseURL: String, model: String = Configuration.defaultModel, language: String? = nil, key: String? = nil,
            connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(300),
            tls: CurlTLSConfiguration = CurlTLSConfiguration(),
            maximumResponseBytes: Int = Configuration.defaultMaximumResponseBytes, maximumChunkSeconds: Int = 600
        ) {
            self.baseURL = baseURL
            self.model = model
            self.language = language
            self.key = key
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.tls = tls
            self.maximumResponseBytes = maximumResponseBytes
            self.maximumChunkSeconds = maximumChunkSeconds
        }

        /// `<base>/v1/audio/transcriptions`.
        public var endpoint: String {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            return base + (base.hasSuffix("/v1") ? "" : "/v1") + "/audio/transcriptions"
        }

        /// The settings without the key.
        public var description: String {
            "RemoteSpeechEngine.Configuration(\(Self.redacted(baseURL)), model: \(model), language: "
                + "\(language ?? "auto"), key: \(key == nil ? "none" : "<redacted>"), timeout: \(timeout), "
                + "\(tls))"
        }

        private static func redacted(_ url: String) -> String {
            guard let components = URLComponents(string: url), let scheme = components.scheme,
                let host = components.host
            else { return "<invalid URL>" }
            return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
        }

        /// A setting that is wrong, and which.
        public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
            /// The settings a problem can be about.
            public enum Setting: String, Sendable, CaseIterable {
                case baseURL, model, language, key, keyFile, keyVariable, caFile, clientCertificate, clientKey
                case timeout, connectTimeout, maximumResponseBytes, maximumChunkSeconds
            }

            /// The setting at fault.
            public var setting: Setting
            /// What is wrong with it; never the key.
            public var reason: String

            /// Creates a problem.
            public init(_ setting: Setting, _ reason: String) {
                self.setting = setting
                self.reason = reason
            }

            /// `<setting>: <reason>`.
            public var description: String { "\(setting.rawValue): \(reason)" }
        }

        /// Throws the first setting that cannot work: a URL that is not http(s) with a host (or has a query or
        /// fragment), a model or language that is not a plain token, a key that is not printable ASCII, a TLS file
        /// that cannot be read, a limit out of range.
        public func check() throws(Problem) {
            guard let components = URLComponents(string: baseURL), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
                components.query == nil, components.fragment == nil, components.user == nil,
                components.password == nil
            else {
                throw Problem(
                    .baseURL, "must be an http or https URL with a host, without credentials, query or fragment")
            }
            guard (1...200).contains(model.utf8.count), model.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw Problem(.model, "must be 1 to 200 printable ASCII characters without spaces")
            }
            if let language {
                guard (2...3).contains(language.utf8.count),
                    language.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
                else {
                    throw Problem(.language, "must be an ISO-639-1 code in lower case, such as en")
                }
            }
            if let key { try Self.checkKey(key, setting: .key) }
            for (setting, path) in [
                (Problem.Setting.caFile, tls.caFile), (.clientCertificate, tls.clientCertificateFile),
                (.clientKey, tls.clientKeyFile),
            ] {
                if let path, !FileManager.default.isReadableFile(atPath: path) {
                    throw Problem(setting, "cannot read \(path)")
                }
            }
            if scheme == "http" {
                for (setting, path) in [
                    (Problem.Setting.caFile, tls.caFile), (.clientCertificate, tls.clientCertificateFile),
                    (.clientKey, tls.clientKeyFile),
                ] where path != nil {
                    throw Problem(setting, "is read only with an https URL")
                }
            }
            if tls.clientKeyFile != nil && tls.clientCertificateFile == nil {
                throw Problem(.clientCertificate, "a client key was given without its certificate")
            }
            guard connectTimeout > .zero else { throw Problem(.connectTimeout, "must be positive") }
            guard timeout > .zero else { throw Problem(.timeout, "must be positive") }
            guard maximumResponseBytes >= 1_024 else { throw Problem(.maximumResponseBytes, "must be at least 1024") }
            guard maximumChunkSeconds >= 10 else { throw Problem(.maximumChunkSeconds, "must be at least 10") }
        }

        /// The key held on the first line of the file at `path` (a trailing line break is dropped).
        public static func key(fromFile path: String) throws(Problem) -> String {
            guard let data = FileManager.default.contents(atPath: path), data.count <= maximumKeyLength + 2,
                let text = String(data: data, encoding: .utf8)
            else {
                throw Problem(.keyFile, "cannot read \(path) (a text file of at most \(maximumKeyLength) bytes)")
            }
            let key = text.trimmingCharacters(in: .newlines)
            try checkKey(key, setting: .keyFile)
            return key
        }

        /// The key held in the environment variable `name` of `environment`.
        public static func key(fromVariable name: String, environment: [String: String]) throws(Problem) -> String {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw Problem(.keyVariable, "must name an environment variable (letters, digits, _)")
            }
            guard let key = environment[name] else {
                throw Problem(.keyVariable, "the environment variable \(name) is not set")
            }
            try checkKey(key, setting: .keyVariable)
            return key
        }

        private static func checkKey(_ key: String, setting: Problem.Setting) throws(Problem) {
            guard (1...maximumKeyLength).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else {
                throw Problem(
                    setting, "the key must be one line of 1 to \(maximumKeyLength) printable ASCII characters")
            }
        }
    }
}
