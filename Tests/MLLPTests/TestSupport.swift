import Logging
import MLLP
import NIOCore
import Synchronization
import Testing

/// Content of a frame, built from text.
func content(_ text: String) -> ByteBuffer {
    ByteBuffer(string: text)
}

/// `0x0B` + text + `0x1C 0x0D`.
func framed(_ text: String) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(MLLPFraming.startBlock)
    buffer.writeString(text)
    buffer.writeInteger(MLLPFraming.endBlock)
    buffer.writeInteger(MLLPFraming.carriageReturn)
    return buffer
}

/// Concatenates buffers.
func joined(_ buffers: ByteBuffer...) -> ByteBuffer {
    var result = ByteBuffer()
    for var buffer in buffers {
        result.writeBuffer(&buffer)
    }
    return result
}

/// Builds a synthetic HL7 v2 message for one fictitious patient; the patient name is the PHI sentinel that logs
/// must never contain.
func syntheticMessage(controlID: String, patient: String = "ZZTESTPATIENT^JANE") -> String {
    "MSH|^~\\&|LAB|SYNTH|NB|NB|20240101120000||ORU^R01|\(controlID)|P|2.5.1\rPID|1||123456^^^SYNTH^MR||\(patient)\r"
}

/// Every log entry written through ``RecordingLogHandler``s sharing it, as text.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let storage = Mutex<[Entry]>([])

    var entries: [Entry] {
        self.storage.withLock { $0 }
    }

    func append(_ entry: Entry) {
        self.storage.withLock { $0.append(entry) }
    }

    /// A logger at trace level writing here.
    func makeLogger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Whether any message or metadata value contains `text`.
    func contains(_ text: String) -> Bool {
        self.entries.contains { entry in
            entry.message.contains(text) || entry.metadata.values.contains { "\($0)".contains(text) }
        }
    }

    /// The entries whose message contains `text`.
    func entries(containing text: String) -> [Entry] {
        self.entries.filter { $0.message.contains(text) }
    }
}

/// A `LogHandler` appending to a ``LogRecorder``.
struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.recorder.append(
            .init(
                level: event.level,
                message: event.message.description,
                metadata: self.metadata.merging(event.metadata ?? [:]) { $1 }
            )
        )
    }
}

/// A handler made of a closure.
struct ClosureMessageHandler: MLLPMessageHandler {
    let body: @Sendable (MLLPInboundFrame, MLLPConnectionInfo) async -> MLLPReply

    func handle(_ frame: MLLPInboundFrame, connection: MLLPConnectionInfo) async -> MLLPReply {
        await self.body(frame, connection)
    }
}

/// What a test handler saw.
final class HandlerLog: Sendable {
    struct Call: Sendable {
        var frame: MLLPInboundFrame
        var connection: MLLPConnectionInfo
    }

    private let storage = Mutex<[Call]>([])

    var calls: [Call] {
        self.storage.withLock { $0 }
    }

    func record(_ frame: MLLPInboundFrame, _ connection: MLLPConnectionInfo) {
        self.storage.withLock { $0.append(Call(frame: frame, connection: connection)) }
    }
}

/// Answers `MSA|AA|` followed by the message; an AR NAK with close for an oversize frame; nothing for other faults.
func acknowledgingHandler(log: HandlerLog) -> ClosureMessageHandler {
    ClosureMessageHandler { frame, connection in
        log.record(frame, connection)
        switch frame {
        case .message(let content):
            return MLLPReply(bytes: Array("MSA|AA|".utf8) + Array(content.readableBytesView))
        case .oversize:
            return MLLPReply(bytes: Array("MSA|AR|frame too large".utf8), closeConnection: true)
        case .invalidEndBlock, .incomplete:
            return .none
        }
    }
}

/// A one-shot latch a task can wait on, whether or not it is cancelled.
final class Gate: Sendable {
    private enum State {
        case closed([CheckedContinuation<Void, Never>])
        case open
    }

    private let state = Mutex(State.closed([]))

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = self.state.withLock { state -> Bool in
                switch state {
                case .open:
                    return true
                case .closed(var waiters):
                    waiters.append(continuation)
                    state = .closed(waiters)
                    return false
                }
            }
            if resumeNow {
                continuation.resume()
            }
        }
    }

    func open() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard case .closed(let waiters) = state else { return [] }
            state = .open
            return waiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}

struct ListenerDidNotStart: Error {}

/// Runs `listener` in a child task, calls `body` with its port, then cancels the listener and waits for it to stop.
func withRunningListener<Result: Sendable>(
    _ listener: MLLPListener,
    handler: some MLLPMessageHandler,
    logger: Logger,
    _ body: @Sendable (Int) async throws -> Result
) async throws -> Result {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await listener.run(handler: handler, logger: logger) { port in
                portContinuation.yield(port)
            }
        }
        var portIterator = ports.makeAsyncIterator()
        guard let port = await portIterator.next() else {
            try await group.waitForAll()
            throw ListenerDidNotStart()
        }
        let result = try await body(port)
        group.cancelAll()
        try await group.waitForAll()
        return result
    }
}

/// A loopback listener configuration on an ephemeral port.
func loopbackConfiguration(
    maximumFrameSize: Int = MLLPFraming.defaultMaximumFrameSize,
    idleTimeout: Duration = .seconds(30),
    maxConnections: Int = 64,
    tls: MLLPTLSConfiguration? = nil
) -> MLLPListener.Configuration {
    MLLPListener.Configuration(
        host: "127.0.0.1",
        port: 0,
        maximumFrameSize: maximumFrameSize,
        idleTimeout: idleTimeout,
        maxConnections: maxConnections,
        tls: tls
    )
}

/// Expects `body` to throw an ``MLLPError`` with `code`.
func expectMLLPError<T>(
    _ code: MLLPError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected MLLPError.\(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as MLLPError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected MLLPError.\(code), got \(error)", sourceLocation: sourceLocation)
    }
}
