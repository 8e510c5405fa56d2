import ServiceLifecycle
import Synchronization

/// Wakes the delivery workers when new outbox rows are committed, so that they need not wait for their next poll.
public final class DeliverySignal: Sendable {
    private let listeners = Mutex<[AsyncStream<Void>.Continuation]>([])

    /// Creates a signal with no listener.
    public init() {}

    /// A new listener: a stream that yields after each ``wake()`` (several wakes before it is read count as one),
    /// and the continuation its owner may yield on itself (a poll timer).
    public func subscribe() -> (AsyncStream<Void>, AsyncStream<Void>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        listeners.withLock { $0.append(continuation) }
        return (stream, continuation)
    }

    /// Runs `pass` at once, after each ``wake()`` and at least every `interval`, until graceful shutdown or
    /// cancellation: the loop of the services that drain work committed to the database (the pipeline and the
    /// delivery workers).
    public func serve(pollingEvery interval: Duration, _ pass: @escaping @Sendable () async -> Void) async {
        let (wakes, poke) = subscribe()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        poke.yield()
                    }
                }
                poke.yield()
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await pass()
                }
                group.cancelAll()
            }
        }
    }

    /// Wakes every listener.
    public func wake() {
        listeners.withLock { listeners in
            for listener in listeners { listener.yield() }
        }
    }
}
