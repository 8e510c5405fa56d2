import Foundation
import Testing

@testable import Gateway

@Suite("Gateway metrics")
struct GatewayMetricsTests {
    @Test(
        "a message type is a label only when it is a plain HL7 code",
        arguments: [
            ("MDM^T02", "MDM^T02"), ("ORU^R01", "ORU^R01"), ("ACK", "ACK"), (nil, "unknown"), ("", "unknown"),
            ("mdm^t02", "other"), ("MDM^T02^MDM_T02", "other"), ("ZSMITH^JOHN", "other"), ("MDM^", "other"),
            ("MDM T02", "other"), ("ZQU^T02", "other"), ("MDM^T02\"} 1\nx", "other"),
        ] as [(String?, String)])
    func messageTypeLabel(input: String?, label: String) {
        #expect(GatewayMetrics.messageTypeLabel(input) == label)
    }

    @Test(
        "a route is a label only when it is a configured route name, else none",
        arguments: [
            ("dictation", "dictation"), ("north-2_b", "north-2_b"), (nil, "none"), ("", "none"),
            ("a b", "none"), ("x\"} 1", "none"), ("É", "none"), (String(repeating: "r", count: 65), "none"),
        ] as [(String?, String)])
    func routeLabel(input: String?, label: String) {
        #expect(GatewayMetrics.routeLabel(input) == label)
    }

    @Test("audio jobs: a gauge per state and a counter per outcome, labelled by state and outcome only")
    func audioJobs() {
        let metrics = GatewayMetrics()
        metrics.audioJobs(state: "queued", count: 3)
        metrics.audioJobs(state: "queued", count: 2)
        metrics.audioJobs(state: "processing", count: 1)
        metrics.audioJobFinished(.done)
        metrics.audioJobFinished(.done)
        metrics.audioJobFinished(.failed)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"notebridge_audio_jobs{state="queued"} 2"#), "\(text)")
        #expect(text.contains(#"notebridge_audio_jobs{state="processing"} 1"#))
        #expect(text.contains(#"notebridge_audio_jobs_finished_total{outcome="done"} 2"#))
        #expect(text.contains(#"notebridge_audio_jobs_finished_total{outcome="failed"} 1"#))
    }

    @Test("ED recordings by outcome and audio job retries by reason, labelled by those only")
    func recordingsAndRetries() {
        let metrics = GatewayMetrics()
        metrics.hl7Recording(.refused)
        metrics.hl7Recording(.refused)
        metrics.hl7Recording(.transcribed)
        metrics.audioJobRetried(reason: "remoteTimedOut")
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"notebridge_ed_recordings_total{outcome="refused"} 2"#), "\(text)")
        #expect(text.contains(#"notebridge_ed_recordings_total{outcome="transcribed"} 1"#))
        #expect(text.contains(#"notebridge_audio_job_retries_total{reason="remoteTimedOut"} 1"#))
    }

    @Test("counters are exported in the Prometheus text format with their labels")
    func exposition() {
        let metrics = GatewayMetrics()
        metrics.received(source: "mllp", messageType: "MDM^T02", outcome: .accepted, route: "dictation")
        metrics.received(source: "mllp", messageType: "MDM^T02", outcome: .accepted, route: "dictation")
        metrics.received(source: "mllp", messageType: "DOE^JANE^X", outcome: .rejected)
        metrics.processed(messageType: "MDM^T02", outcome: .failed, route: "dictation")
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("# TYPE notebridge_messages_received_total counter"))
        #expect(
            text.contains(
                #"notebridge_messages_received_total{source="mllp",message_type="MDM^T02",outcome="accepted",route="dictation"} 2"#
            ))
        #expect(
            text.contains(
                #"notebridge_messages_received_total{source="mllp",message_type="other",outcome="rejected",route="none"} 1"#
            ))
        #expect(
            text.contains(
                #"notebridge_messages_processed_total{message_type="MDM^T02",outcome="failed",route="dictation"} 1"#))
        #expect(!text.contains("DOE"))
        // Past the cap, new message types are `other`.
        for number in 0..<(GatewayMetrics.maximumMessageTypes + 5) {
            metrics.received(source: "mllp", messageType: "A\(number % 10)\(number / 10)^A01", outcome: .accepted)
        }
        let capped = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(capped.contains(#"message_type="other",outcome="accepted",route="none"} 6"#))
        // Two gateways in one process count apart.
        #expect(!String(decoding: GatewayMetrics().exposition(), as: UTF8.self).contains("notebridge_messages"))
    }
}
