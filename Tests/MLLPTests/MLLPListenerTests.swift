import Logging
import MLLP
import NIOCore
import NIOPosix
import Testing

@Suite("MLLPListener and MLLPClient over loopback", .timeLimit(.minutes(1)))
struct MLLPListenerTests {
    @Test("several messages on one connection are answered in order")
    func severalMessagesOneConnection() async throws {
        let handlerLog = HandlerLog()
        let recorder = LogRecorder()
        let listener = MLLPListener(configuration: loopbackConfiguration())
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: handlerLog),
            logger: recorder.makeLogger()
        ) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { connection in
                for index in 0..<10 {
                    let message = syntheticMessage(controlID: "M\(index)")
                    let reply = try await connection.send(Array(message.utf8), timeout: .seconds(5))
                    #expect(String(decoding: reply, as: UTF8.self) == "MSA|AA|" + message)
                }
            }
        }
        let calls = handlerLog.calls
        #expect(calls.count == 10)
        #expect(Set(calls.map(\.connection.connectionID)).count == 1)
        #expect(calls.first?.connection.remoteAddress.hasPrefix("127.0.0.1:") == true)
        #expect(calls.first?.connection.tlsPeerCertificate == nil)
        #expect(!recorder.contains("ZZTESTPATIENT"))
    }

    @Test("16 concurrent clients each get their own replies")
    func concurrentClients() async throws {
        let handlerLog = HandlerLog()
        let listener = MLLPListener(configuration: loopbackConfiguration())
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: handlerLog),
            logger: LogRecorder().makeLogger()
        ) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for clientIndex in 0..<16 {
                    group.addTask {
                        let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
                        try await client.withConnection { connection in
                            for messageIndex in 0..<20 {
                                let message = syntheticMessage(controlID: "C\(clientIndex)-\(messageIndex)")
                                let reply = try await connection.send(Array(message.utf8), timeout: .seconds(10))
                                #expect(String(decoding: reply, as: UTF8.self) == "MSA|AA|" + message)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let calls = handlerLog.calls
        #expect(calls.count == 16 * 20)
        #expect(Set(calls.map(\.connection.connectionID)).count == 16)
    }

    @Test("an idle connection is closed after the idle timeout")
    func idleTimeout() async throws {
        let recorder = LogRecorder()
        let timeout = Duration.milliseconds(2000)
        let listener = MLLPListener(configuration: loopbackConfiguration(idleTimeout: timeout))
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: HandlerLog()),
            logger: recorder.makeLogger()
        ) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { connection in
                // Activity resets the timer: a message every 200 ms keeps the connection open for more than twice
                // the timeout. A machine loaded by the rest of the suite can stall this task for longer than the
                // timeout; then the server is right to close, and the test checks that the gap was that long.
                // The busy window counts from the first acknowledgment: the first exchange may itself be stalled.
                // The server's last activity on the connection (its reply) comes after the client began sending
                // the last acknowledged message, however late the client then reads the reply: so an idle close
                // comes at least a timeout after that send began. (Measured from the reply's arrival instead, a
                // client stalled while the reply waited saw the close "0.3 s" after it.)
                var lastSendStarted = ContinuousClock.now
                var busyUntil: ContinuousClock.Instant?
                var sent = 0
                var closedWhileBusy = false
                while busyUntil.map({ ContinuousClock.now < $0 }) ?? true {
                    let sendStarted = ContinuousClock.now
                    do {
                        _ = try await connection.send(Array("MSH|\(sent)".utf8), timeout: .seconds(10))
                    } catch let error as MLLPError where error.code == .connectionClosed {
                        // (Before any acknowledgment, the server's idle period began when it started serving,
                        // which this task cannot time.)
                        let gap = ContinuousClock.now - lastSendStarted
                        if sent > 0 { #expect(gap >= timeout - .milliseconds(50), "closed after \(gap) of idleness") }
                        closedWhileBusy = true
                        break
                    }
                    lastSendStarted = sendStarted
                    let last = ContinuousClock.now
                    if busyUntil == nil { busyUntil = last + .milliseconds(5000) }
                    sent += 1
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(sent >= 2 || closedWhileBusy)
                guard !closedWhileBusy else { return }
                try await Task.sleep(for: timeout * 2 + .milliseconds(1000))
                await expectMLLPError(.connectionClosed) {
                    try await connection.send(Array("MSH|idle".utf8), timeout: .seconds(10))
                }
            }
        }
        #expect(recorder.entries(containing: "idle").count == 1)
    }

    @Test("a connection that never sends a byte is closed after the idle timeout")
    func silentConnection() async throws {
        // Turning autoRead on reads the socket without passing through the pipeline, so the idle timer never saw
        // the connection served: a peer that connected and sent nothing kept its slot for ever (1024 such peers,
        // mllp.maxConnections, locked every sender out).
        let recorder = LogRecorder()
        let listener = MLLPListener(configuration: loopbackConfiguration(idleTimeout: .milliseconds(1000)))
        try await withRunningListener(
            listener, handler: acknowledgingHandler(log: HandlerLog()), logger: recorder.makeLogger()
        ) { port in
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            let started = ContinuousClock.now
            try await channel.executeThenClose { inbound, _ in
                for try await _ in inbound {}
            }
            // Closed by the server (the loop ended), well before a generous bound for a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
        #expect(recorder.entries(containing: "idle").count == 1)
    }

    @Test("a handler slower than the idle timeout keeps its connection, and its reply arrives")
    func slowHandler() async throws {
        let recorder = LogRecorder()
        // The timeout leaves room for a loaded machine (the whole suite runs in parallel on two cores) between
        // the connection's accept and its first frame; the handler takes more than twice as long.
        let listener = MLLPListener(configuration: loopbackConfiguration(idleTimeout: .milliseconds(2000)))
        let slow = ClosureMessageHandler { frame, _ in
            try? await Task.sleep(for: .milliseconds(5000))
            guard case .message(let content) = frame else { return .close }
            return MLLPReply(bytes: Array("MSA|AA|".utf8) + Array(content.readableBytesView))
        }
        try await withRunningListener(listener, handler: slow, logger: recorder.makeLogger()) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { connection in
                let reply = try await connection.send(Array("MSH|slow".utf8), timeout: .seconds(10))
                #expect(reply == Array("MSA|AA|MSH|slow".utf8))
                // Handled: idle again, so it is closed after the timeout.
                try await Task.sleep(for: .milliseconds(5000))
                await expectMLLPError(.connectionClosed) {
                    try await connection.send(Array("MSH|late".utf8), timeout: .seconds(10))
                }
            }
        }
        #expect(recorder.entries(containing: "idle").count == 1)
    }

    @Test("a frame followed at once by the sender's half-close is handled and answered, every time")
    func frameThenHalfClose() async throws {
        // The frame and the end of the sender's output often arrive before the serving task has wrapped the
        // accepted channel: NIO drains a socket that reported end of input even with autoRead off, and the frame
        // and the input-closed event went past the end of the pipeline. The frame was never handled or answered
        // and the connection's task waited for ever, holding its slot (enough such connections refused everyone).
        let handlerLog = HandlerLog()
        let listener = MLLPListener(configuration: loopbackConfiguration(idleTimeout: .seconds(3), maxConnections: 8))
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: handlerLog),
            logger: LogRecorder().makeLogger()
        ) { port in
            for index in 0..<40 {
                let message = syntheticMessage(controlID: "HALF\(index)")
                let reply = try await sendThenHalfClose(framed(message), port: port)
                #expect(reply == "\u{0B}MSA|AA|\(message)\u{1C}\r", "frame \(index)")
            }
            // No connection kept its slot: a normal client is still served.
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            let reply = try await client.send(Array("MSH|after".utf8), timeout: .seconds(5))
            #expect(reply == Array("MSA|AA|MSH|after".utf8))
        }
        #expect(handlerLog.calls.count == 41)
    }

    @Test("an oversize frame gets the handler's reply, then the connection is closed")
    func oversizeFrame() async throws {
        let handlerLog = HandlerLog()
        let recorder = LogRecorder()
        let header = syntheticMessage(controlID: "BIG")
        let listener = MLLPListener(configuration: loopbackConfiguration())
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: handlerLog),
            logger: recorder.makeLogger()
        ) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { connection in
                let small = try await connection.send(Array("MSH|small".utf8), timeout: .seconds(5))
                #expect(String(decoding: small, as: UTF8.self) == "MSA|AA|MSH|small")

                let big = Array(header.utf8) + [UInt8](repeating: UInt8(ascii: "A"), count: 3 * 1_048_576)
                let nak = try await connection.send(big, timeout: .seconds(20))
                #expect(String(decoding: nak, as: UTF8.self) == "MSA|AR|frame too large")

                await expectMLLPError(.connectionClosed) {
                    try await connection.send(Array("MSH|after".utf8), timeout: .seconds(5))
                }
            }
        }
        let calls = handlerLog.calls
        #expect(calls.count == 2)
        guard case .oversize(let head) = calls.last?.frame else {
            Issue.record("expected an oversize frame, got \(String(describing: calls.last?.frame))")
            return
        }
        #expect(head.readableBytes == MLLPFraming.oversizeHeadSize)
        #expect(head.getString(at: head.readerIndex, length: header.utf8.count) == header)
        #expect(!recorder.contains("ZZTESTPATIENT"))
    }

    @Test("a reply with closeConnection closes the connection after the reply")
    func handlerClosesConnection() async throws {
        let handler = ClosureMessageHandler { _, _ in
            MLLPReply(bytes: Array("MSA|AE".utf8), closeConnection: true)
        }
        let listener = MLLPListener(configuration: loopbackConfiguration())
        try await withRunningListener(listener, handler: handler, logger: LogRecorder().makeLogger()) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { connection in
                let reply = try await connection.send(Array("MSH|1".utf8), timeout: .seconds(5))
                #expect(reply == Array("MSA|AE".utf8))
                await expectMLLPError(.connectionClosed) {
                    try await connection.send(Array("MSH|2".utf8), timeout: .seconds(5))
                }
            }
        }
    }

    @Test("no reply within the timeout throws timeout and closes the client connection")
    func clientTimeout() async throws {
        let gate = Gate()
        let handler = ClosureMessageHandler { _, _ in
            await gate.wait()
            return MLLPReply(bytes: Array("MSA|AA".utf8))
        }
        let listener = MLLPListener(configuration: loopbackConfiguration())
        try await withRunningListener(listener, handler: handler, logger: LogRecorder().makeLogger()) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { connection in
                await expectMLLPError(.timeout) {
                    try await connection.send(Array("MSH|slow".utf8), timeout: .milliseconds(200))
                }
                await expectMLLPError(.connectionClosed) {
                    try await connection.send(Array("MSH|next".utf8), timeout: .seconds(1))
                }
            }
            gate.open()
        }
    }

    @Test("content holding a framing byte is refused before sending; the connection stays usable")
    func clientRefusesFramingBytes() async throws {
        let listener = MLLPListener(configuration: loopbackConfiguration())
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: HandlerLog()),
            logger: LogRecorder().makeLogger()
        ) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { connection in
                await expectMLLPError(.invalidContent) {
                    try await connection.send(Array("MSH|".utf8) + [MLLPFraming.endBlock], timeout: .seconds(1))
                }
                let reply = try await connection.send(Array("MSH|ok".utf8), timeout: .seconds(5))
                #expect(reply == Array("MSA|AA|MSH|ok".utf8))
            }
        }
    }

    @Test("connections beyond maxConnections are closed on accept; the others are unaffected")
    func connectionLimit() async throws {
        let listener = MLLPListener(configuration: loopbackConfiguration(maxConnections: 2))
        let recorder = LogRecorder()
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: HandlerLog()),
            logger: recorder.makeLogger()
        ) { port in
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
            try await client.withConnection { first in
                _ = try await first.send(Array("MSH|1".utf8), timeout: .seconds(5))
                try await client.withConnection { second in
                    _ = try await second.send(Array("MSH|2".utf8), timeout: .seconds(5))
                    try await client.withConnection { third in
                        await expectMLLPError(.connectionClosed) {
                            try await third.send(Array("MSH|3".utf8), timeout: .seconds(5))
                        }
                    }
                    _ = try await second.send(Array("MSH|2b".utf8), timeout: .seconds(5))
                }
                _ = try await first.send(Array("MSH|1b".utf8), timeout: .seconds(5))
            }
            // Slots are given back when connections close; the server notices the close asynchronously, so
            // a connection opened at once may still meet the limit. Retry until a slot is free.
            let deadline = ContinuousClock.now + .seconds(10)
            var reply: [UInt8]?
            while reply == nil, ContinuousClock.now < deadline {
                do {
                    reply = try await client.send(Array("MSH|4".utf8), timeout: .seconds(5))
                } catch let error as MLLPError where error.code == .connectionClosed {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(reply == Array("MSA|AA|MSH|4".utf8))
        }
        #expect(recorder.entries(containing: "connection limit reached").count >= 1)
    }

    @Test("cancellation stops accepting, lets the frame in progress finish and be answered, then closes")
    func gracefulShutdown() async throws {
        let started = Gate()
        let release = Gate()
        let log = HandlerLog()
        let handler = ClosureMessageHandler { frame, connection in
            log.record(frame, connection)
            if case .message(let content) = frame, content == ByteBuffer(string: "MSH|slow") {
                started.open()
                await release.wait()
            }
            return MLLPReply(bytes: Array("MSA|AA|done".utf8))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let listener = MLLPListener(configuration: loopbackConfiguration())
        let logger = LogRecorder().makeLogger()
        let listenerTask = Task {
            defer { portContinuation.finish() }
            try await listener.run(handler: handler, logger: logger) { portContinuation.yield($0) }
        }
        var portIterator = ports.makeAsyncIterator()
        let port = try #require(await portIterator.next())
        let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))

        async let slowReply = client.send(Array("MSH|slow".utf8), timeout: .seconds(10))
        await started.wait()
        listenerTask.cancel()
        // No longer accepting. Until the listening socket is closed, the kernel may still complete a
        // handshake from its backlog, which is then reset without being served (connectionClosed); once it
        // is closed, connecting fails. Either way the new message must never reach the handler.
        let deadline = ContinuousClock.now + .seconds(10)
        var refused = false
        while !refused, ContinuousClock.now < deadline {
            do {
                _ = try await client.send(Array("MSH|new".utf8), timeout: .seconds(2))
                Issue.record("a message sent after cancellation was answered")
                break
            } catch let error as MLLPError {
                switch error.code {
                case .connectFailed: refused = true
                case .connectionClosed, .timeout: try await Task.sleep(for: .milliseconds(50))
                default: Issue.record("unexpected \(error)"); refused = true
                }
            }
        }
        #expect(refused, "the listening socket was still open 10 s after cancellation")
        release.open()
        #expect(try await slowReply == Array("MSA|AA|done".utf8))
        try await listenerTask.value
        let seen = log.calls.compactMap { call -> String? in
            if case .message(let content) = call.frame { return String(buffer: content) }
            return nil
        }
        #expect(seen == ["MSH|slow"])
    }

    @Test("cancelling while connections keep arriving neither traps nor hangs")
    func cancelUnderLoad() async throws {
        for _ in 0..<5 {
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let listener = MLLPListener(configuration: loopbackConfiguration(maxConnections: 1024))
            let logger = LogRecorder().makeLogger()
            let handler = acknowledgingHandler(log: HandlerLog())
            let listenerTask = Task {
                defer { portContinuation.finish() }
                try await listener.run(handler: handler, logger: logger) { portContinuation.yield($0) }
            }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())
            let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port, connectTimeout: .seconds(2)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        do {
                            let reply = try await client.send(Array("MSH|\(index)".utf8), timeout: .seconds(5))
                            #expect(reply == Array("MSA|AA|MSH|\(index)".utf8))
                        } catch let error as MLLPError {
                            #expect(error.code == .connectFailed || error.code == .connectionClosed, "\(error)")
                        }
                    }
                    if index == 32 {
                        listenerTask.cancel()
                    }
                }
                try await group.waitForAll()
            }
            try await listenerTask.value
        }
    }

    @Test("a port in use fails with bindFailed")
    func bindFailure() async throws {
        let listener = MLLPListener(configuration: loopbackConfiguration())
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: HandlerLog()),
            logger: LogRecorder().makeLogger()
        ) { port in
            var configuration = loopbackConfiguration()
            configuration.port = port
            let second = MLLPListener(configuration: configuration)
            await expectMLLPError(.bindFailed) {
                try await second.run(handler: acknowledgingHandler(log: HandlerLog()), logger: Logger(label: "x"))
            }
        }
    }

    @Test("connecting to a closed port fails with connectFailed")
    func connectFailure() async throws {
        // Bind and release an ephemeral port, so nothing listens on it.
        let listener = MLLPListener(configuration: loopbackConfiguration())
        let port = try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: HandlerLog()),
            logger: LogRecorder().makeLogger()
        ) { $0 }
        let client = MLLPClient(configuration: .init(host: "127.0.0.1", port: port))
        await expectMLLPError(.connectFailed) {
            try await client.send(Array("MSH|1".utf8), timeout: .seconds(2))
        }
    }
}

/// Writes `bytes`, half-closes the connection at once (as `nc -N` or a scripted sender does), and returns everything
/// the server sent until it closed its side.
private func sendThenHalfClose(_ bytes: ByteBuffer, port: Int) async throws -> String {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(.allowRemoteHalfClosure, value: true)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                    wrappingChannelSynchronously: channel,
                    configuration: .init(isOutboundHalfClosureEnabled: true))
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(bytes)
        outbound.finish()
        var received = ByteBuffer()
        for try await chunk in inbound {
            received.writeImmutableBuffer(chunk)
        }
        return String(buffer: received)
    }
}
