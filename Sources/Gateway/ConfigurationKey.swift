import Foundation

/// One configuration key: its dotted YAML path and the environment variable that overrides it.
public struct ConfigurationKey: Hashable, Sendable {
    /// The dotted path in the YAML file: `mllp.tls.certificate`.
    public let path: String
    /// What the value means.
    public let summary: String
    /// Other environment variables that also set it (`NOTEBRIDGE_DATA_DIR` for `storage.path`).
    public let aliases: [String]

    init(_ path: String, _ summary: String, aliases: [String] = []) {
        self.path = path
        self.summary = summary
        self.aliases = aliases
    }

    /// `NOTEBRIDGE_` and the path in upper snake case: `mllp.maxFrameBytes` → `NOTEBRIDGE_MLLP_MAX_FRAME_BYTES`.
    public var environmentVariable: String {
        var name = "NOTEBRIDGE"
        for part in path.split(separator: ".") {
            name += "_"
            for character in part {
                if character.isUppercase { name += "_" }
                name += character.uppercased()
            }
        }
        return name
    }

    /// Every key `notebridge serve` reads.
    public static let all: [ConfigurationKey] = [
        ConfigurationKey(
            "http.host", "address the HTTP listener binds (default 127.0.0.1; 0.0.0.0 or :: for every interface)"),
        ConfigurationKey("http.port", "HTTP port (default 8080; 0 picks a free port)"),
        ConfigurationKey(
            "http.idleTimeoutSeconds",
            "close HTTP connections that send no request (or stop sending one) this long (default 60)"),
        ConfigurationKey(
            "http.requestTimeoutSeconds",
            "answer 408 and close when a request has not arrived whole this long after its head (default 120)"),
        ConfigurationKey(
            "http.maxConnections", "most concurrent HTTP connections; one more is answered 503 (default 1024)"),
        ConfigurationKey("http.tls.certificate", "PEM certificate chain; enables TLS (HTTPS) on the HTTP listener"),
        ConfigurationKey("http.tls.privateKey", "PEM private key of the HTTP certificate"),
        ConfigurationKey("http.tls.trustRoots", "PEM CA certificates that HTTP client certificates must chain to"),
        ConfigurationKey("http.tls.requireClientCertificate", "true for mutual TLS on HTTP (default false)"),
        ConfigurationKey(
            "mllp.host", "address the MLLP listener binds (default 127.0.0.1; 0.0.0.0 or :: for every interface)"),
        ConfigurationKey("mllp.port", "MLLP port (default 2575; 0 picks a free port)"),
        ConfigurationKey("mllp.maxFrameBytes", "largest MLLP frame accepted, bytes (default 1048576)"),
        ConfigurationKey("mllp.idleTimeoutSeconds", "close MLLP connections idle this long (default 300)"),
        ConfigurationKey("mllp.maxConnections", "most concurrent MLLP connections (default 1024)"),
        ConfigurationKey("mllp.tls.certificate", "PEM certificate chain; enables TLS on the MLLP listener"),
        ConfigurationKey("mllp.tls.privateKey", "PEM private key of the MLLP certificate"),
        ConfigurationKey("mllp.tls.trustRoots", "PEM CA certificates that client certificates must chain to"),
        ConfigurationKey("mllp.tls.requireClientCertificate", "true for mutual TLS (default false)"),
        ConfigurationKey(
            "storage.path", "folder of the database and key file (default ./data)", aliases: ["NOTEBRIDGE_DATA_DIR"]),
        ConfigurationKey(
            "storage.backend",
            "where the gateway keeps its data: sqlite (one database file in storage.path; the default) or postgresql"),
        ConfigurationKey(
            "storage.url",
            "PostgreSQL database: postgres://user[:password]@host[:port]/db[?sslmode=...] or postgres://user@/db?host=/socket/dir"
        ),
        ConfigurationKey("storage.password", "PostgreSQL password, when not in storage.url or storage.passwordFile"),
        ConfigurationKey("storage.passwordFile", "file holding the PostgreSQL password on one line"),
        ConfigurationKey("storage.poolSize", "most PostgreSQL connections per instance (default 10)"),
        ConfigurationKey(
            "storage.commitConcurrency",
            "PostgreSQL journal transactions committing at once per instance, 1 to storage.poolSize (default 2)"),
        ConfigurationKey(
            "storage.queryTimeoutSeconds",
            "longest wait for PostgreSQL's answer to a statement; then it fails and its connection closes (default 30)"),
        ConfigurationKey("storage.tls", "PostgreSQL TLS: disable, prefer (the default), require or verify-full"),
        ConfigurationKey(
            "storage.tlsRootCertificate", "PEM trust roots for storage.tls verify-full (default: the system's)"),
        ConfigurationKey("storage.keyFile", "key file sealing journal bodies (default <storage.path>/journal.key)"),
        ConfigurationKey("storage.synchronous", "normal (survives a process crash) or full (survives power loss)"),
        ConfigurationKey(
            "storage.duplicateWindowHours",
            "repeated MSH-10 from one sender within this many hours is a duplicate (default 168)"),
        ConfigurationKey(
            "storage.retentionDays", "journal rows older than this are deleted (default 30; 0 keeps them forever)"),
        ConfigurationKey("hl7.applicationName", "MSH-3 of acknowledgments when MSH-5 was empty (default NOTEBRIDGE)"),
        ConfigurationKey("hl7.facilityName", "MSH-4 of acknowledgments when MSH-6 was empty"),
        ConfigurationKey("hl7.maxSegments", "most segments in a message (default 5000)"),
        ConfigurationKey("hl7.maxFieldsPerSegment", "most fields in a segment (default 1000)"),
        ConfigurationKey("hl7.maxRepetitionsPerField", "most repetitions of a field (default 1000)"),
        ConfigurationKey("hl7.maxComponents", "most components in a field (default 500)"),
        ConfigurationKey("hl7.maxSubcomponents", "most subcomponents in a component (default 100)"),
        ConfigurationKey(
            "pipeline.messageTypes",
            "message types notes are written from when destinations are configured (default [MDM^T02, ORU^R01])"),
        ConfigurationKey(
            "pipeline.mapping",
            "an hl7-in mapping file (mappings/hl7-in/*.yaml): where the transcript, patient, visit, clinicians and specialty are read; the pipeline.* keys here win over it"
        ),
        ConfigurationKey("pipeline.defaultSpecialty", "specialty when PV1-10 names none known (default generic)"),
        ConfigurationKey("pipeline.template", "note layout: standard (default), apso, dap, birp or brief"),
        ConfigurationKey("pipeline.billingCodes", "add ICD-10-CM and CPT codes to pipeline notes (default true)"),
        ConfigurationKey("pipeline.minimumTranscriptWords", "fewer words is 'transcript too short' (default 3)"),
        ConfigurationKey(
            "pipeline.concurrency",
            "notes written at once from accepted messages (default: the number of cores); recorded in journal order whatever the number"
        ),
        ConfigurationKey(
            "pipeline.threadNiceness",
            "scheduling niceness of the note-writing threads, 0-19 (default 10; Linux): inbound acknowledgments go first on a busy machine; 0 keeps the process's priority"
        ),
        ConfigurationKey(
            "pipeline.claimLeaseSeconds",
            "how long an instance's claim on accepted messages lasts before another instance sharing the database may take them over (default 30)"
        ),
        ConfigurationKey(
            "pipeline.acknowledgmentDestination",
            "the destination (messages [ACK]) that gets the enhanced-mode application acknowledgments MSH-15/16 ask for (AA with the note id, AE with the reason); none sends none"
        ),
        ConfigurationKey(
            "routes.acceptMessageTypes",
            "message types the default route accepts, e.g. [ADT^A04, ORU^*]; empty accepts all"),
        ConfigurationKey("api.maxBodyBytes", "largest /v1 request body, bytes (default 1048576)"),
        ConfigurationKey("audio.maxBytes", "largest recording POST /v1/note/audio accepts, bytes (default 100000000)"),
        ConfigurationKey("audio.maxSeconds", "longest recording POST /v1/note/audio accepts, seconds (default 7200)"),
        ConfigurationKey(
            "audio.syncWaitSeconds",
            "how long POST /v1/note/audio waits for its note before answering 202 with a status URL, 0-3600 seconds (default 30; 0 always answers 202)"
        ),
        ConfigurationKey(
            "audio.ffmpeg", "the ffmpeg executable that decodes recordings (default ffmpeg, found in PATH)"),
        ConfigurationKey(
            "audio.speechModel",
            "speech model of the embedded engine: clinical (the project's clinical language model and dictionary, default) or stock (Debian's general-English en-us)"
        ),
        ConfigurationKey(
            "audio.speechModelDirectory",
            "folder of the clinical speech model's files (default models/speech, relative to the working folder)"),
        ConfigurationKey(
            "audio.engine",
            "speech engine: embedded (PocketSphinx on this machine, the default) or remote (an OpenAI-compatible /v1/audio/transcriptions service; audio.remote.*)"
        ),
        ConfigurationKey(
            "audio.remote.url",
            "base URL of the remote speech service, http or https (requests go to <url>/v1/audio/transcriptions)"),
        ConfigurationKey("audio.remote.model", "model the remote service is asked for (default whisper-1)"),
        ConfigurationKey(
            "audio.remote.language", "spoken language as ISO-639-1, e.g. en (default: the service guesses)"),
        ConfigurationKey(
            "audio.remote.keyFile", "file holding the remote service's bearer key on one line (default: no key)"),
        ConfigurationKey(
            "audio.remote.keyVariable",
            "name of the environment variable holding the remote service's bearer key (instead of keyFile)"),
        ConfigurationKey(
            "audio.remote.timeoutSeconds",
            "longest one upload to the remote service may take, answer included (default 300)"),
        ConfigurationKey(
            "audio.remote.connectTimeoutSeconds", "longest wait for the connection to the remote service (default 10)"),
        ConfigurationKey(
            "audio.remote.caFile",
            "PEM CA certificates the remote service's certificate must chain to (default: the system's)"),
        ConfigurationKey(
            "audio.remote.clientCertificate", "PEM client certificate presented to the remote service (mutual TLS)"),
        ConfigurationKey("audio.remote.clientKey", "PEM private key of audio.remote.clientCertificate"),
        ConfigurationKey(
            "audio.remote.maxResponseBytes", "largest answer read from the remote service, bytes (default 4194304)"),
        ConfigurationKey(
            "audio.remote.maxChunkSeconds",
            "longest piece of a recording sent in one request, cut at pauses, seconds (default 600)"),
        ConfigurationKey(
            "audio.remote.fallback",
            "true (default): a recording the remote service fails on (unreachable, timeout, 5xx or other non-audio error status, unreadable answer) is transcribed by the embedded engine; false: the request fails (502, or 504 on a timeout)"
        ),
        ConfigurationKey(
            "audio.retry.attempts",
            "times an audio job's transcription is tried again after a transient engine failure (remote engine unreachable, timed out, 408/425/429/5xx, unreadable answer; after audio.remote.fallback), 0-20 (default 3; 0 fails the job at once); corrupt or silent audio fails at once"
        ),
        ConfigurationKey(
            "audio.retry.backoffSeconds",
            "wait before the first retry of audio.retry.attempts, doubled before each next one, 0-3600 seconds (default 2)"
        ),
        ConfigurationKey(
            "audio.retry.maxBackoffSeconds",
            "longest wait between two transcription retries, 1-3600 seconds (default 60)"),
        ConfigurationKey(
            "api.rateLimitPerSecond", "requests per second per API key (default 50; 0 turns limiting off)"),
        ConfigurationKey("api.rateBurst", "requests a key may burst above its rate (default twice the rate)"),
        ConfigurationKey(
            "api.noteRetentionDays", "notes are erased this many days after they are written (default 30)"),
        ConfigurationKey("api.callbackUrl", "webhook for every note when the request names no callback_url"),
        ConfigurationKey(
            "api.callbackAllowedHosts",
            "comma-separated hosts callback_url and api.callbackUrl may name: exact names or addresses, or *.domain; "
                + "anything listed is allowed (default: any host except link-local and cloud metadata ones: "
                + "169.254.0.0/16, fe80::/10, fd00:ec2::254, 100.100.100.200, metadata.google.internal, metadata; "
                + "refused with 400 naming callback_url)"),
        ConfigurationKey(
            "http.corsAllowOrigins",
            "comma-separated browser origins (https://app.example.org) allowed cross-origin calls (default: none)"),
        ConfigurationKey(
            "api.streamTicketSeconds", "how long a stream ticket for EventSource may wait to be used (default 60)"),
        ConfigurationKey("api.createFirstKey", "create and print an API key on a start with none (default true)"),
        ConfigurationKey("api.webhookMaxAttempts", "webhook delivery attempts before giving up (default 8)"),
        ConfigurationKey(
            "fhir.mapping", "YAML file of how notes become FHIR (default: the built-in mappings/fhir-note.yaml)"),
        ConfigurationKey("log.level", "trace, debug, info, notice, warning, error or critical (default info)"),
    ]
}
