import Curl
import EncounterModel
import Foundation
import HL7v2
import MLLP
import Mapping
import PostgresStore
import Scribe
import Store
import Transcription
import Yams

extension GatewayConfiguration {
    /// The largest configuration file read.
    static let maximumFileBytes = 1 << 20

    /// Loads the defaults, then the YAML file (when given), then environment overrides.
    public static func load(file: URL?, environment: [String: String]) throws -> GatewayConfiguration {
        var values: [String: String] = [:]
        if let file {
            values = try flattenedYAML(at: file)
            for key in values.keys.sorted() {
                if let value = values[key] {
                    values[key] = try expandingVariables(value, key: key, environment: environment)
                }
            }
        }
        let known = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map { ($0.path, $0) })
        for key in values.keys
        where known[key] == nil && !DestinationConfiguration.isDestinationKey(key)
            && !RouteConfiguration.isRouteKey(key)
            && !SubscriptionConfiguration.isSubscriptionKey(key)
        {
            // A section given a scalar or a list (`http: [1, 2]`) is not an unknown key: say what it must be.
            if known.keys.contains(where: { $0.hasPrefix(key + ".") }) {
                throw ConfigurationError(
                    key: key, reason: "must be a mapping of keys (see `notebridge serve --help-keys`), not a value or a list")
            }
            throw ConfigurationError(key: key, reason: "unknown key (see `notebridge serve --help-keys`)")
        }
        for key in ConfigurationKey.all {
            for variable in [key.environmentVariable] + key.aliases {
                if let value = environment[variable] { values[key.path] = value }
            }
        }
        return try GatewayConfiguration(values: values, environment: environment)
    }

    /// Reads a YAML mapping into `dotted.key → scalar` (lists of scalars joined with commas).
    static func flattenedYAML(at file: URL) throws -> [String: String] {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ConfigurationError(key: file.path, reason: "cannot read the configuration file")
        }
        guard data.count <= maximumFileBytes else {
            throw ConfigurationError(key: file.path, reason: "the configuration file is larger than 1 MiB")
        }
        let text = String(decoding: data, as: UTF8.self)
        // Refused before Yams builds anything: nested aliases cost it minutes and gigabytes (a 400-byte file took
        // 32 s and 2 GB before `serve` gave up), and a key that is not a plain value stopped the process.
        if let line = YAMLGuard.firstPossibleAliasLine(in: text) {
            throw ConfigurationError(
                key: file.path, reason: "line \(line): aliases (*name) are not allowed in the configuration file")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(key: file.path, reason: "not valid YAML: \(error)")
        }
        guard let node else { return [:] }
        guard YAMLGuard.hasScalarKeys(node) else {
            throw ConfigurationError(key: file.path, reason: "every key must be a plain value (not a list or a mapping)")
        }
        let loaded = node.any
        guard let root = loaded as? [String: Any] else {
            throw ConfigurationError(key: file.path, reason: "the top level must be a mapping of sections")
        }
        var values: [String: String] = [:]
        try flatten(root, prefix: "", depth: 0, into: &values)
        return values
    }

    private static func flatten(
        _ mapping: [String: Any], prefix: String, depth: Int, into values: inout [String: String]
    ) throws {
        guard depth < 8 else { throw ConfigurationError(key: prefix, reason: "nested too deeply") }
        for (name, value) in mapping {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            switch value {
            case let nested as [String: Any]:
                try flatten(nested, prefix: path, depth: depth + 1, into: &values)
            case let list as [Any]:
                values[path] = try list.map { item -> String in
                    guard let scalar = scalarText(item) else {
                        throw ConfigurationError(key: path, reason: "a list may hold only scalar values")
                    }
                    return scalar
                }.joined(separator: ",")
            default:
                guard let scalar = scalarText(value) else {
                    throw ConfigurationError(key: path, reason: "expected a scalar value")
                }
                values[path] = scalar
            }
        }
    }

    private static func scalarText(_ value: Any) -> String? {
        switch value {
        case let text as String: return text
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        case let flag as Bool: return flag ? "true" : "false"
        case is NSNull: return ""
        default: return nil
        }
    }

    /// Builds a configuration from flattened values over the defaults; `environment` holds the variables that
    /// values name (`audio.remote.keyVariable`).
    init(values: [String: String], environment: [String: String] = [:]) throws {
        self.init()
        let reader = ValueReader(values: values)
        httpHost = try reader.string("http.host") ?? httpHost
        httpPort = try reader.integer("http.port", in: 0...65535) ?? httpPort
        if let seconds = try reader.integer("http.idleTimeoutSeconds", in: 1...86_400) {
            httpIdleTimeout = .seconds(seconds)
        }
        if let seconds = try reader.integer("http.requestTimeoutSeconds", in: 1...86_400) {
            httpRequestTimeout = .seconds(seconds)
        }
        httpMaxConnections = try reader.integer("http.maxConnections", in: 1...100_000) ?? httpMaxConnections
        mllp.host = try reader.string("mllp.host") ?? mllp.host
        mllp.port = try reader.integer("mllp.port", in: 0...65535) ?? mllp.port
        mllp.maximumFrameSize =
            try reader.integer("mllp.maxFrameBytes", in: 1_024...(64 << 20)) ?? mllp.maximumFrameSize
        if let seconds = try reader.integer("mllp.idleTimeoutSeconds", in: 1...86_400) {
            mllp.idleTimeout = .seconds(seconds)
        }
        mllp.maxConnections = try reader.integer("mllp.maxConnections", in: 1...100_000) ?? mllp.maxConnections
        mllp.tls = try reader.tls("mllp.tls")
        httpTLS = try reader.tls("http.tls")
        dataDirectory = try reader.string("storage.path") ?? dataDirectory
        keyFile = try reader.string("storage.keyFile")
        if let backend = try reader.string("storage.backend") {
            guard let parsed = StoreBackend(rawValue: backend.lowercased()) else {
                throw ConfigurationError(
                    key: "storage.backend",
                    reason: "must be one of \(StoreBackend.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            storeBackend = parsed
        }
        postgres = try reader.postgres(backend: storeBackend)
        if let mode = try reader.string("storage.synchronous") {
            guard let parsed = SQLiteJournal.Configuration.Synchronous(rawValue: mode.lowercased()) else {
                throw ConfigurationError(key: "storage.synchronous", reason: "must be normal or full")
            }
            synchronous = parsed
        }
        if let hours = try reader.integer("storage.duplicateWindowHours", in: 0...87_600) {
            duplicateWindow = .seconds(hours * 3600)
        }
        if let days = try reader.integer("storage.retentionDays", in: 0...36_500) {
            retention = days == 0 ? nil : .seconds(days * 86_400)
        }
        if let retention, duplicateWindow > retention {
            throw ConfigurationError(
                key: "storage.duplicateWindowHours", reason: "must not be longer than storage.retentionDays")
        }
        applicationName = try reader.string("hl7.applicationName") ?? applicationName
        facilityName = try reader.string("hl7.facilityName") ?? facilityName
        parserLimits.maximumMessageBytes = mllp.maximumFrameSize
        parserLimits.maximumSegments =
            try reader.integer("hl7.maxSegments", in: 1...1_000_000) ?? parserLimits.maximumSegments
        parserLimits.maximumFieldsPerSegment =
            try reader.integer("hl7.maxFieldsPerSegment", in: 1...100_000) ?? parserLimits.maximumFieldsPerSegment
        parserLimits.maximumRepetitionsPerField =
            try reader.integer("hl7.maxRepetitionsPerField", in: 1...1_000_000)
            ?? parserLimits.maximumRepetitionsPerField
        parserLimits.maximumComponentsPerRepetition =
            try reader.integer("hl7.maxComponents", in: 1...100_000) ?? parserLimits.maximumComponentsPerRepetition
        parserLimits.maximumSubcomponentsPerComponent =
            try reader.integer("hl7.maxSubcomponents", in: 1...100_000) ?? parserLimits.maximumSubcomponentsPerComponent
        if let types = try reader.string("routes.acceptMessageTypes") {
            acceptedMessageTypes = try types.split(separator: ",").map { text in
                guard let pattern = MessageTypePattern(String(text)) else {
                    throw ConfigurationError(
                        key: "routes.acceptMessageTypes", reason: "each entry must read CODE, CODE^EVENT or CODE^*")
                }
                return pattern
            }
        }
        api.maximumBodyBytes = try reader.integer("api.maxBodyBytes", in: 1_024...(64 << 20)) ?? api.maximumBodyBytes
        api.audio.limits.maximumBytes =
            try reader.integer("audio.maxBytes", in: 1_024...(2 << 30)) ?? api.audio.limits.maximumBytes
        if let seconds = try reader.integer("audio.maxSeconds", in: 1...86_400) {
            api.audio.limits.maximumDuration = .seconds(seconds)
        }
        if let seconds = try reader.integer("audio.syncWaitSeconds", in: 0...3_600) {
            api.audio.syncWait = .seconds(seconds)
        }
        if let ffmpeg = try reader.string("audio.ffmpeg") { api.audio.ffmpeg = ffmpeg }
        let speechModel = try reader.string("audio.speechModel") ?? PocketSphinxEngine.Preset.clinical.rawValue
        guard let preset = PocketSphinxEngine.Preset(rawValue: speechModel) else {
            throw ConfigurationError(key: "audio.speechModel", reason: "must be clinical or stock")
        }
        api.audio.speechModel = PocketSphinxEngine.Model.preset(
            preset,
            directory: try reader.string("audio.speechModelDirectory") ?? PocketSphinxEngine.Model.clinicalDirectory)
        api.audio.remote = try reader.remoteSpeechEngine(environment: environment)
        api.audio.fallbackToEmbedded = try reader.boolean("audio.remote.fallback") ?? api.audio.fallbackToEmbedded
        api.audio.transientRetries =
            try reader.integer("audio.retry.attempts", in: 0...20) ?? api.audio.transientRetries
        if let seconds = try reader.integer("audio.retry.backoffSeconds", in: 0...3_600) {
            api.audio.transientRetryBackoff = .seconds(seconds)
        }
        if let seconds = try reader.integer("audio.retry.maxBackoffSeconds", in: 1...3_600) {
            api.audio.transientRetryMaximumBackoff = .seconds(seconds)
        }
        if let rate = try reader.integer("api.rateLimitPerSecond", in: 0...1_000_000) {
            api.rateLimit = Double(rate)
            api.rateBurst = Double(max(1, rate * 2))
        }
        if let burst = try reader.integer("api.rateBurst", in: 1...1_000_000) { api.rateBurst = Double(burst) }
        if let days = try reader.integer("api.noteRetentionDays", in: 1...36_500) {
            api.retention = .seconds(days * 86_400)
        }
        if let url = try reader.string("api.callbackUrl") {
            do {
                api.callbackURL = try NoteJob.validatedCallback(url, field: "api.callbackUrl")
            } catch {
                throw ConfigurationError(key: "api.callbackUrl", reason: "must be an http or https URL with a host")
            }
        }
        if let list = try reader.string("http.corsAllowOrigins") {
            guard let origins = CORSAllowList.origins(list: list) else {
                throw ConfigurationError(
                    key: "http.corsAllowOrigins",
                    reason: "must list origins (http or https scheme://host[:port]), comma-separated")
            }
            api.corsOrigins = origins
        }
        if let seconds = try reader.integer("api.streamTicketSeconds", in: 5...3_600) {
            api.streamTicketLifetime = .seconds(seconds)
        }
        if let list = try reader.string("api.callbackAllowedHosts") {
            guard let hosts = CallbackHosts(list: list) else {
                throw ConfigurationError(
                    key: "api.callbackAllowedHosts",
                    reason: "must list host names, addresses or *.domain patterns, comma-separated")
            }
            api.callbackHosts = hosts
            // The operator's list decides; the addresses a name resolves to are not checked again.
            webhooks.refusesLinkLocalAddresses = false
        }
        if let url = api.callbackURL, let refusal = api.callbackHosts.refusal(of: url) {
            throw ConfigurationError(key: "api.callbackUrl", reason: refusal.reason)
        }
        createFirstKey = try reader.boolean("api.createFirstKey") ?? createFirstKey
        webhooks.maximumAttempts = try reader.integer("api.webhookMaxAttempts", in: 1...100) ?? webhooks.maximumAttempts
        if let path = try reader.string("fhir.mapping") {
            api.fhirMapping = try Self.fhirMapping(path: path)
        }
        destinations = try DestinationConfiguration.destinations(in: values, sendingApplication: applicationName)
        acknowledgmentDestination = try reader.string("pipeline.acknowledgmentDestination")
        let acknowledgmentNames =
            (acknowledgmentDestination.map { [(key: "pipeline.acknowledgmentDestination", name: $0)] } ?? [])
            + values.filter { RouteConfiguration.isRouteKey($0.key) && $0.key.hasSuffix(".acknowledgmentDestination") }
            .sorted { $0.key < $1.key }.map { (key: $0.key, name: $0.value.trimmingCharacters(in: .whitespaces)) }
        destinations = try DestinationConfiguration.applyingAcknowledgmentDestinations(
            acknowledgmentNames, to: destinations, explicitMessages: { values["destinations.\($0).messages"] != nil })
        if let types = try reader.string("pipeline.messageTypes") {
            pipelineMessageTypes = try types.split(separator: ",").map { text in
                guard let pattern = MessageTypePattern(String(text)), pattern.event != nil else {
                    throw ConfigurationError(key: "pipeline.messageTypes", reason: "each entry must read CODE^EVENT")
                }
                return pattern
            }
        }
        if let path = try reader.string("pipeline.mapping") {
            do {
                encounterMapping = try HL7InboundMapping.load(path: path)
            } catch {
                throw ConfigurationError(key: "pipeline.mapping", reason: "\(error)")
            }
        }
        if let specialty = try reader.string("pipeline.defaultSpecialty") {
            guard Specialty(rawValue: specialty) != nil else {
                throw ConfigurationError(
                    key: "pipeline.defaultSpecialty",
                    reason: "must be one of the 24 specialty values (see /v1/specialties)")
            }
            encounterMapping.defaultSpecialty = specialty
        }
        if let template = try reader.string("pipeline.template") {
            guard NoteTemplate(rawValue: template) != nil else {
                throw ConfigurationError(
                    key: "pipeline.template",
                    reason: "must be one of \(NoteTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            encounterMapping.template = template
        }
        encounterMapping.options.includeBillingCodes =
            try reader.boolean("pipeline.billingCodes") ?? encounterMapping.options.includeBillingCodes
        if let words = try reader.integer("pipeline.minimumTranscriptWords", in: 1...10_000) {
            encounterMapping.minimumTranscriptWords = words
        }
        pipelineConcurrency = try reader.integer("pipeline.concurrency", in: 1...256) ?? pipelineConcurrency
        pipelineThreadNiceness = try reader.integer("pipeline.threadNiceness", in: 0...19) ?? pipelineThreadNiceness
        if let seconds = try reader.integer("pipeline.claimLeaseSeconds", in: 1...3_600) {
            pipelineClaimLease = .seconds(seconds)
        }
        routes = try RouteConfiguration.routes(
            in: values, destinations: destinations, acknowledgmentDestination: acknowledgmentDestination,
            defaultMapping: encounterMapping)
        subscriptions = try SubscriptionConfiguration.subscriptions(
            in: values, destinations: destinations, noteDestinations: noteDestinations)
        for subscription in subscriptions {
            guard Specialty(rawValue: subscription.specialty) != nil else {
                throw ConfigurationError(
                    key: "subscriptions.\(subscription.name).specialty",
                    reason: "must be one of the 24 specialty values")
            }
            guard NoteTemplate(rawValue: subscription.template) != nil else {
                throw ConfigurationError(
                    key: "subscriptions.\(subscription.name).template",
                    reason: "must be one of \(NoteTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let level = try reader.string("log.level") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(level.lowercased()) else {
                throw ConfigurationError(key: "log.level", reason: "must be one of \(levels.joined(separator: ", "))")
            }
            logLevel = level.lowercased()
        }
    }
}

extension GatewayConfiguration {
    /// Reads the FHIR mapping file at `path`; errors name the key `fhir.mapping` and the file's key at fault.
    public static func fhirMapping(path: String) throws -> NoteFHIRMapping {
        guard let data = FileManager.default.contents(atPath: path), data.count <= NoteFHIRMapping.maximumYAMLBytes,
            let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError(
                key: "fhir.mapping",
                reason: "cannot read \(path) (a UTF-8 YAML file of at most \(NoteFHIRMapping.maximumYAMLBytes) bytes)")
        }
        do {
            return try NoteFHIRMapping(yaml: text)
        } catch {
            throw ConfigurationError(key: "fhir.mapping", reason: "\(path): \(error)")
        }
    }
}

/// Reads typed values out of flattened configuration text.
private struct ValueReader {
    var values: [String: String]

    func string(_ key: String) throws -> String? {
        guard let value = values[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                key: key, reason: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `storage.url` and its companions, read when `backend` is `postgresql` (and refused otherwise, so that a
    /// setting meant for PostgreSQL is not silently ignored). The password comes from the URL, `storage.password`
    /// (or its environment variable) or `storage.passwordFile`, exactly one of them (or none, for a server that
    /// asks for none); errors name the key and never quote the password.
    func postgres(backend: StoreBackend) throws -> PostgresStore.Configuration? {
        let keys = [
            "storage.url", "storage.password", "storage.passwordFile", "storage.poolSize", "storage.commitConcurrency",
            "storage.queryTimeoutSeconds", "storage.tls", "storage.tlsRootCertificate",
        ]
        guard backend == .postgresql else {
            if let stray = try keys.first(where: { try string($0) != nil }) {
                throw ConfigurationError(key: stray, reason: "is read only when storage.backend is postgresql")
            }
            return nil
        }
        guard let url = try string("storage.url") else {
            throw ConfigurationError(
                key: "storage.url", reason: "is required when storage.backend is postgresql (postgres://user@host/db)")
        }
        var configuration: PostgresStore.Configuration
        do {
            configuration = try PostgresStore.Configuration(url: url)
        } catch let error as StoreError {
            throw ConfigurationError(key: "storage.url", reason: error.reason)
        }
        let inline = try string("storage.password")
        let file = try string("storage.passwordFile")
        if [configuration.password, inline, file].compactMap({ $0 }).count > 1 {
            throw ConfigurationError(
                key: file != nil ? "storage.passwordFile" : "storage.password",
                reason: "give the password once: in storage.url, storage.password or storage.passwordFile")
        }
        if let inline { configuration.password = inline }
        if let file {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else {
                throw ConfigurationError(key: "storage.passwordFile", reason: "cannot read \(file)")
            }
            let password = text.trimmingCharacters(in: .newlines)
            guard !password.isEmpty, !password.contains("\n") else {
                throw ConfigurationError(
                    key: "storage.passwordFile", reason: "\(file) must hold the password on one line")
            }
            configuration.password = password
        }
        if let size = try integer("storage.poolSize", in: 1...200) { configuration.poolSize = size }
        if let concurrency = try integer("storage.commitConcurrency", in: 1...configuration.poolSize) {
            configuration.commitConcurrency = concurrency
        }
        configuration.commitConcurrency = min(configuration.commitConcurrency, configuration.poolSize)
        if let seconds = try integer("storage.queryTimeoutSeconds", in: 1...3_600) {
            configuration.queryTimeout = .seconds(seconds)
        }
        if let mode = try string("storage.tls") {
            guard let parsed = PostgresStore.Configuration.TLSMode(rawValue: mode.lowercased()) else {
                throw ConfigurationError(
                    key: "storage.tls",
                    reason:
                        "must be one of \(PostgresStore.Configuration.TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard configuration.unixSocketPath == nil || parsed == .disable else {
                throw ConfigurationError(key: "storage.tls", reason: "must be disable for a Unix socket")
            }
            configuration.tlsMode = parsed
        }
        if let roots = try string("storage.tlsRootCertificate") {
            guard configuration.tlsMode == .verifyFull else {
                throw ConfigurationError(
                    key: "storage.tlsRootCertificate", reason: "is read only with storage.tls verify-full")
            }
            guard FileManager.default.isReadableFile(atPath: roots) else {
                throw ConfigurationError(key: "storage.tlsRootCertificate", reason: "cannot read \(roots)")
            }
            configuration.tlsRootCertificate = roots
        }
        return configuration
    }

    /// `<prefix>.certificate`, `.privateKey`, `.trustRoots`, `.requireClientCertificate`: TLS when a certificate
    /// and key are given.
    func tls(_ prefix: String) throws -> MLLPTLSConfiguration? {
        let certificate = try string("\(prefix).certificate")
        let privateKey = try string("\(prefix).privateKey")
        let trustRoots = try string("\(prefix).trustRoots")
        let requireClient = try boolean("\(prefix).requireClientCertificate") ?? false
        switch (certificate, privateKey) {
        case (let certificate?, let privateKey?):
            if requireClient, trustRoots == nil {
                throw ConfigurationError(
                    key: "\(prefix).trustRoots",
                    reason: "mutual TLS needs the CA certificates client certificates chain to")
            }
            return MLLPTLSConfiguration(
                certificateChainPath: certificate, privateKeyPath: privateKey, trustRootsPath: trustRoots,
                requireClientCertificate: requireClient)
        case (nil, nil):
            if requireClient || trustRoots != nil {
                throw ConfigurationError(
                    key: "\(prefix).certificate", reason: "TLS options need a certificate and a private key")
            }
            return nil
        case (nil, _):
            throw ConfigurationError(
                key: "\(prefix).certificate", reason: "a private key was given without a certificate")
        case (_, nil):
            throw ConfigurationError(
                key: "\(prefix).privateKey", reason: "a certificate was given without its private key")
        }
    }

    /// The keys of the remote speech engine, each with the setting it gives.
    static let remoteSpeechKeys: [(key: String, setting: RemoteSpeechEngine.Configuration.Problem.Setting?)] = [
        ("audio.remote.url", .baseURL), ("audio.remote.model", .model), ("audio.remote.language", .language),
        ("audio.remote.keyFile", .keyFile), ("audio.remote.keyVariable", .keyVariable),
        ("audio.remote.timeoutSeconds", .timeout), ("audio.remote.connectTimeoutSeconds", .connectTimeout),
        ("audio.remote.caFile", .caFile), ("audio.remote.clientCertificate", .clientCertificate),
        ("audio.remote.clientKey", .clientKey), ("audio.remote.maxResponseBytes", .maximumResponseBytes),
        ("audio.remote.maxChunkSeconds", .maximumChunkSeconds), ("audio.remote.fallback", nil),
    ]

    /// `audio.engine` and, when it is `remote`, the `audio.remote.*` keys (refused otherwise, so that a setting
    /// meant for the remote engine is not silently ignored). The key comes from `audio.remote.keyFile` or the
    /// environment variable `audio.remote.keyVariable` names, one of them or none; errors name the key and never
    /// quote the bearer key.
    func remoteSpeechEngine(environment: [String: String]) throws -> RemoteSpeechEngine? {
        let engine = try string("audio.engine")?.lowercased() ?? "embedded"
        guard engine == "remote" else {
            guard engine == "embedded" else {
                throw ConfigurationError(key: "audio.engine", reason: "must be embedded or remote")
            }
            if let stray = try Self.remoteSpeechKeys.first(where: { try string($0.key) != nil }) {
                throw ConfigurationError(key: stray.key, reason: "is read only when audio.engine is remote")
            }
            return nil
        }
        func key(of setting: RemoteSpeechEngine.Configuration.Problem.Setting) -> String {
            let given = setting == .key ? RemoteSpeechEngine.Configuration.Problem.Setting.keyFile : setting
            return Self.remoteSpeechKeys.first { $0.setting == given }?.key ?? "audio.remote.url"
        }
        do {
            guard let url = try string("audio.remote.url") else {
                throw ConfigurationError(
                    key: "audio.remote.url",
                    reason:
                        "is required when audio.engine is remote (the service's base URL, e.g. http://127.0.0.1:8000)")
            }
            var configuration = RemoteSpeechEngine.Configuration(baseURL: url)
            configuration.model = try string("audio.remote.model") ?? configuration.model
            configuration.language = try string("audio.remote.language")
            let keyFile = try string("audio.remote.keyFile")
            let keyVariable = try string("audio.remote.keyVariable")
            if keyFile != nil && keyVariable != nil {
                throw ConfigurationError(
                    key: "audio.remote.keyVariable", reason: "give the key once: audio.remote.keyFile or keyVariable")
            }
            if let keyFile { configuration.key = try RemoteSpeechEngine.Configuration.key(fromFile: keyFile) }
            if let keyVariable {
                configuration.key = try RemoteSpeechEngine.Configuration.key(
                    fromVariable: keyVariable, environment: environment)
            }
            if let seconds = try integer("audio.remote.timeoutSeconds", in: 1...86_400) {
                configuration.timeout = .seconds(seconds)
            }
            if let seconds = try integer("audio.remote.connectTimeoutSeconds", in: 1...600) {
                configuration.connectTimeout = .seconds(seconds)
            }
            configuration.tls = CurlTLSConfiguration(
                caFile: try string("audio.remote.caFile"),
                clientCertificateFile: try string("audio.remote.clientCertificate"),
                clientKeyFile: try string("audio.remote.clientKey"))
            configuration.maximumResponseBytes =
                try integer("audio.remote.maxResponseBytes", in: 1_024...(256 << 20))
                ?? configuration.maximumResponseBytes
            configuration.maximumChunkSeconds =
                try integer("audio.remote.maxChunkSeconds", in: 10...7_200) ?? configuration.maximumChunkSeconds
            try configuration.check()
            return RemoteSpeechEngine(configuration: configuration)
        } catch let problem as RemoteSpeechEngine.Configuration.Problem {
            throw ConfigurationError(key: key(of: problem.setting), reason: problem.reason)
        }
    }

    func boolean(_ key: String) throws -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError(key: key, reason: "must be true or false")
        }
    }
}
