import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Claims and runs the audio jobs of `POST /v1/note/audio`, at most ``AudioConfiguration/concurrentTranscriptions``
/// at once: the ones queued here (the routes wake it), and, at start and every poll, those left by a stopped
/// process or by another instance's expired claim. A graceful shutdown cancels the running transcriptions and gives
/// their jobs back to the queue, to be finished after the restart (a killed process's jobs are taken up when their
/// claims expire, at once by a restarted embedded gateway).
struct AudioJobService: Service {
    let runner: AudioJobRunner
    /// Sets the audio job gauges from the store's counts after each pass, when given.
    var metrics: GatewayMetrics?

    init(runner: AudioJobRunner, metrics: GatewayMetrics? = nil) {
        self.runner = runner
        self.metrics = metrics
    }

    /// The ids of the jobs running here, and of those a shutdown interrupted.
    private final class Running: Sendable {
        private let ids = Mutex((running: Set<String>(), interrupted: Set<String>()))

        var current: Set<String> { ids.withLock { $0.running } }
        var interrupted: Set<String> { ids.withLock { $0.interrupted } }

        func insert(_ id: String) { ids.withLock { _ = $0.running.insert(id) } }

        func remove(_ id: String, interrupted: Bool) {
            ids.withLock { ids in
                ids.running.remove(id)
                if interrupted { ids.interrupted.insert(id) }
            }
        }
    }

    func run() async throws {
        let runner = runner
        let metrics = metrics
        let limit = max(1, runner.audio.concurrentTranscriptions)
        let running = Running()
        let (passes, pass) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                // A pass when a job is queued here or ends here, and every poll interval.
                group.addTask {
                    for await _ in runner.wakes { pass.yield() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        pass.yield()
                        try? await Task.sleep(for: runner.audio.jobPollInterval)
                    }
                }
                for await _ in passes {
                    if Task.isCancelled { break }
                    if let metrics { await Self.updateGauges(metrics, store: runner.store) }
                    let busy = running.current
                    guard busy.count < limit else { continue }
                    let claimed: [AudioJob]
                    do {
                        claimed = try await runner.store.claimAudioJobs(
                            limit: limit - busy.count, by: runner.claimant, excluding: busy, now: Date())
                    } catch {
                        runner.logger.error(
                            "audio jobs not claimed",
                            metadata: ["nb.error": "\((error as? StoreError)?.reason ?? "\(type(of: error))")"])
                        continue
                    }
                    for job in claimed {
                        running.insert(job.job.id)
                        group.addTask {
                            let interrupted = await runner.run(job)
                            running.remove(job.job.id, interrupted: interrupted)
                            runner.wake()
                        }
                    }
                }
                group.cancelAll()
            }
        }
        // The jobs the shutdown interrupted go back to the queue (their claims not counted as attempts), so that the
        // next start, or another instance, takes them at once.
        for id in running.interrupted.sorted() {
            do {
                _ = try await runner.store.releaseAudioJob(id: id, by: runner.claimant, now: Date())
            } catch {
                runner.logger.warning(
                    "interrupted audio job not released; it is taken up when its claim expires",
                    metadata: ["nb.audio_job.id": "\(id)", "nb.error": "\(type(of: error))"])
            }
        }
    }

    private static func updateGauges(_ metrics: GatewayMetrics, store: any AudioJobStore) async {
        guard let counts = try? await store.audioJobCounts() else { return }
        for state in AudioJobState.allCases {
            metrics.audioJobs(state: state.rawValue, count: counts[state] ?? 0)
        }
    }
}

extension AudioJobService: CustomStringConvertible {
    var description: String { "AudioJobService" }
}
