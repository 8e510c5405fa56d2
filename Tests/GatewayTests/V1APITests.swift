import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Testing

@testable import Gateway
import TestSupport

@Suite("/v1 note API")
struct V1APITests {
    typealias F = V1APIFixture

    @Test("POST /v1/note writes, seals and returns the note; GET returns the same document; DELETE erases it")
    func lifecycle() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let body = F.body([
                "transcript": F.transcript, "specialty": "physician", "include_billing_codes": true,
                "include_patient_summary": true, "include_transcript": true, "include_evidence": true,
                "context": ["patient_info": ["age": 54, "gender": "female", "medications": ["lisinopril"]]],
            ])
            let created = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            #expect(created.status == .ok)
            #expect(created.headers[.contentType] == "application/json")
            let note = F.json(created.body)
            let id = try #require(note["noteId"] as? String)
            #expect(V1Routes.isNoteID(id))
            for field in ["subjective", "objective", "assessment", "plan", "patient_summary", "transcript"] {
                #expect((note[field] as? String)?.isEmpty == false, "\(field) is empty")
            }
            #expect(note["specialty"] as? String == "physician")
            #expect(note["template"] as? String == "standard")
            let codes = try #require(note["billing_codes"] as? [String: Any])
            #expect((codes["icd10"] as? [Any]) != nil)
            #expect(((note["statements"] as? [[String: Any]])?.first?["evidence"] as? [Any])?.isEmpty == false)
            let created_at = try Date(#require(note["created_at"] as? String), strategy: .iso8601)
            let expires_at = try Date(#require(note["expires_at"] as? String), strategy: .iso8601)
            #expect(abs(expires_at.timeIntervalSince(created_at) - 30 * 86_400) < 1)

            let read = try await client.execute(uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
            #expect(read.status == .ok)
            #expect(read.body == created.body)

            let deleted = try await client.execute(uri: "/v1/note/\(id)", method: .delete, headers: F.headers(fixture.key))
            #expect(deleted.status == .ok)
            #expect(F.json(deleted.body)["deleted"] as? Bool == true)
            let gone = try await client.execute(uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
            #expect(gone.status == .notFound)
            #expect(F.error(gone.body)["code"] as? String == "NOT_FOUND")

            // Every access is audited: create, read, delete, and the failed read.
            let audit = try await fixture.store.auditRecords(since: nil, until: nil, afterID: 0, limit: 100)
            #expect(audit.map(\.action) == [.create, .read, .delete, .read])
            #expect(audit.map(\.status) == [200, 200, 200, 404])
            #expect(audit.allSatisfy { $0.keyID == fixture.key.record.id && $0.noteID == id })
        }
    }

    @Test("Idempotency-Key: the same request again answers the same note; another request with the key is 422")
    func idempotencyKey() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            func post(_ body: [String: Any], key: String?, apiKey: IssuedAPIKey? = nil) async throws -> TestResponse {
                var headers = F.headers(apiKey ?? fixture.key)
                if let key { headers[.idempotencyKey] = key }
                return try await client.execute(uri: "/v1/note", method: .post, headers: headers, body: F.body(body))
            }
            let body: [String: Any] = ["transcript": F.transcript, "include_billing_codes": true]
            let first = try await post(body, key: "order-7781")
            #expect(first.status == .ok && first.headers[.idempotentReplayed] == nil)
            let again = try await post(body, key: "order-7781")
            #expect(again.status == .ok)
            #expect(again.headers[.idempotentReplayed] == "true")
            let sameBytes = Array(again.body.readableBytesView) == Array(first.body.readableBytesView)
            #expect(sameBytes)
            #expect(try await fixture.store.noteCount() == 1)
            // The same key with another request.
            let other = try await post(["transcript": F.transcript], key: "order-7781")
            #expect(other.status == .unprocessableContent)
            #expect(F.error(other.body)["code"] as? String == "IDEMPOTENCY_KEY_REUSED")
            // Another API key has its own keys; no key means a new note each time.
            let second = try await fixture.key(scopes: [.notesWrite])
            #expect(try await post(body, key: "order-7781", apiKey: second).headers[.idempotentReplayed] == nil)
            _ = try await post(body, key: nil)
            _ = try await post(body, key: nil)
            #expect(try await fixture.store.noteCount() == 4)
            // A key that cannot be used names the header.
            for bad in ["", String(repeating: "k", count: 256), "caf\u{E9}"] {
                let refused = try await post(body, key: bad)
                #expect(refused.status == .badRequest, "\(bad.count)")
                #expect((F.error(refused.body)["details"] as? [[String: Any]])?.first?["field"] as? String == "Idempotency-Key")
            }
            let audit = try await fixture.store.auditRecords(since: nil, until: nil, afterID: 0, limit: 50)
            #expect(audit.filter { $0.status == 422 }.count == 1)
        }
    }

    @Test("Without the include flags the response has no codes, summary, transcript or evidence; provider_type is an alias")
    func optionalParts() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let body = F.body(["transcript": F.transcript, "provider_type": "nurse_practitioner", "template": "apso"])
            let response = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            #expect(response.status == .ok)
            let note = F.json(response.body)
            for field in ["billing_codes", "patient_summary", "transcript", "statements", "notices"] {
                #expect(note[field] == nil, "\(field) present")
            }
            #expect(note["specialty"] as? String == "nurse_practitioner")
            #expect((note["sections"] as? [[String: Any]])?.map { $0["key"] as? String } == ["assessment", "plan", "subjective", "objective"])
        }
    }

    @Test("400 VALIDATION_ERROR names the field and lists valid values", arguments: [
        (#""specialty": "astrologer""#, "specialty", "physician"),
        (#""provider_type": "astrologer""#, "provider_type", "physician"),
        (#""template": "haiku""#, "template", "apso"),
        (#""include_billing_codes": "yes""#, "include_billing_codes", "true or false"),
        (#""context": {"patient_info": {"age": 400}}"#, "context.patient_info.age", "130"),
        (#""context": {"patient_info": {"age": "forty"}}"#, "context.patient_info.age", "integer"),
        (#""context": {"patient_info": {"medications": [1, 2]}}"#, "context.patient_info.medications", "a string or a list of strings"),
        (#""context": {"patient_info": {"allergies": 5}}"#, "context.patient_info.allergies", "a string or a list of strings"),
        (#""callback_url": "ftp://example.org/x""#, "callback_url", "http"),
        (#""patient_status": "returning""#, "patient_status", "established"),
        (#""context": {"custom_instructions": "\#(String(repeating: "x", count: 5_000))"}"#, "context.custom_instructions", "4000"),
    ])
    func validation(fragment: String, field: String, hint: String) async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let transcript = String(decoding: try JSONEncoder().encode(F.transcript), as: UTF8.self)
            let body = ByteBuffer(string: #"{"transcript": \#(transcript), \#(fragment)}"#)
            let response = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            #expect(response.status == .badRequest)
            let error = F.error(response.body)
            #expect(error["code"] as? String == "VALIDATION_ERROR")
            let details = try #require(error["details"] as? [[String: Any]])
            #expect((details.first?["field"] as? String)?.hasPrefix(field) == true, "\(error)")
            #expect((error["message"] as? String)?.contains(hint) == true, "\(error)")
        }
    }

    @Test("400 for a missing, short or non-text transcript and for a body that is not a JSON object")
    func badBodies() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let cases: [(ByteBuffer, String, code: String)] = [
                (F.body(["specialty": "physician"]), "transcript", "VALIDATION_ERROR"),
                (F.body(["transcript": "too short"]), "transcript", "VALIDATION_ERROR"),
                (F.body(["transcript": 42]), "transcript", "VALIDATION_ERROR"),
                (ByteBuffer(string: "{not json"), "body", "VALIDATION_ERROR"),
                (ByteBuffer(string: "[1, 2, 3]"), "body", "VALIDATION_ERROR"),
                (ByteBuffer(string: String(repeating: "[", count: 10_000)), "body", "JSON_TOO_DEEP"),
            ]
            for (body, field, code) in cases {
                let response = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
                #expect(response.status == .badRequest)
                let error = F.error(response.body)
                #expect(error["code"] as? String == code)
                #expect((error["details"] as? [[String: Any]])?.first?["field"] as? String == field, "\(error)")
            }
        }
    }

    @Test("401 without a key, with a malformed or unknown key, with two keys, and with a revoked key")
    func unauthorized() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let body = F.body(["transcript": F.transcript])
            var headers = F.headers(nil)
            var response = try await client.execute(uri: "/v1/note", method: .post, headers: headers, body: body)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(F.error(response.body)["code"] as? String == "UNAUTHORIZED")
            headers[.authorization] = "Basic dXNlcjpwYXNz"
            response = try await client.execute(uri: "/v1/note", method: .post, headers: headers, body: body)
            #expect(response.status == .unauthorized)
            headers[.authorization] = "Bearer nb_live_notARealKeyAtAll0000000000000"
            response = try await client.execute(uri: "/v1/note", method: .post, headers: headers, body: body)
            #expect(response.status == .unauthorized)
            // Two Authorization headers, the first a valid key: neither is chosen.
            var twice = F.headers(fixture.key)
            twice.append(HTTPField(name: .authorization, value: "Bearer nb_live_notARealKeyAtAll0000000000000"))
            response = try await client.execute(uri: "/v1/note", method: .post, headers: twice, body: body)
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains("one Authorization header"))
            #expect(try await fixture.store.revokeKey(id: fixture.key.record.id, at: Date()))
            response = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            #expect(response.status == .unauthorized)
            let audit = try await fixture.store.auditRecords(since: nil, until: nil, afterID: 0, limit: 100)
            #expect(audit.count == 5)
            #expect(audit.allSatisfy { $0.status == 401 && $0.errorCode == "UNAUTHORIZED" && $0.action == .create })
        }
    }

    @Test("403 when the key lacks the scope; another key's note is 404")
    func scopesAndOwnership() async throws {
        let fixture = try await F()
        let reader = try await fixture.key(scopes: [.notesRead])
        try await fixture.application().test(.router) { client in
            let body = F.body(["transcript": F.transcript])
            let forbidden = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(reader), body: body)
            #expect(forbidden.status == .forbidden)
            #expect(F.error(forbidden.body)["code"] as? String == "FORBIDDEN")
            #expect((F.error(forbidden.body)["message"] as? String)?.contains("notes:write") == true)
            let created = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            let id = try #require(F.json(created.body)["noteId"] as? String)
            let other = try await client.execute(uri: "/v1/note/\(id)", method: .get, headers: F.headers(reader))
            #expect(other.status == .notFound)
            let delete = try await client.execute(uri: "/v1/note/\(id)", method: .delete, headers: F.headers(reader))
            #expect(delete.status == .forbidden)
            let malformed = try await client.execute(uri: "/v1/note/../../etc", method: .get, headers: F.headers(fixture.key))
            #expect(malformed.status == .notFound)
        }
    }

    @Test("405 with Allow for a known path; 404 JSON for an unknown one; 415 and 413")
    func protocolErrors() async throws {
        var configuration = V1Routes.Configuration()
        configuration.maximumBodyBytes = 4_096
        let fixture = try await F(configuration: configuration)
        try await fixture.application().test(.router) { client in
            var response = try await client.execute(uri: "/v1/note", method: .get, headers: F.headers(fixture.key))
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
            #expect(F.error(response.body)["code"] as? String == "METHOD_NOT_ALLOWED")
            response = try await client.execute(uri: "/v1/note/note_0", method: .put, headers: F.headers(fixture.key))
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, DELETE")
            response = try await client.execute(uri: "/v1/nothing", method: .get)
            #expect(response.status == .notFound)
            #expect(F.error(response.body)["code"] as? String == "NOT_FOUND")
            response = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key, contentType: "text/plain"),
                body: ByteBuffer(string: F.transcript))
            #expect(response.status == .unsupportedMediaType)
            #expect(F.error(response.body)["code"] as? String == "UNSUPPORTED_MEDIA_TYPE")
            response = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": String(repeating: "The patient reports a cough. ", count: 400)]))
            #expect(response.status == .contentTooLarge)
            #expect(F.error(response.body)["code"] as? String == "PAYLOAD_TOO_LARGE")
        }
    }

    @Test("A compressed body or a JSON charset other than UTF-8 is 415 with its reason, never read as plain JSON")
    func bodyEncodings() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            // The body is plain JSON that would make a note: the claims were ignored and a note written.
            let plain = F.body(["transcript": F.transcript])
            let refused: [(HTTPField.Name, String, String, String)] = [
                (.contentEncoding, "gzip", "application/json", "Content-Encoding gzip is not accepted"),
                (.contentEncoding, "x-custom", "application/json", "this Content-Encoding is not accepted"),
                (.transferEncoding, "gzip, chunked", "application/json", "Transfer-Encoding other than chunked"),
                (.contentType, "application/json; charset=iso-8859-1", "application/json; charset=iso-8859-1", "UTF-8"),
            ]
            for (name, value, type, words) in refused {
                var headers = F.headers(fixture.key, contentType: type)
                headers[name] = value
                let response = try await client.execute(uri: "/v1/note", method: .post, headers: headers, body: plain)
                #expect(response.status == .unsupportedMediaType, "\(name): \(value)")
                let error = F.error(response.body)
                #expect(error["code"] as? String == "UNSUPPORTED_MEDIA_TYPE")
                #expect((error["message"] as? String)?.contains(words) == true, "\(error)")
                #expect((error["message"] as? String)?.contains("custom") != true)
            }
            for (name, value) in [(HTTPField.Name.contentEncoding, "identity"), (.contentType, "application/json; charset=UTF-8")] {
                var headers = F.headers(fixture.key)
                headers[name] = value
                let response = try await client.execute(uri: "/v1/note", method: .post, headers: headers, body: plain)
                #expect(response.status == .ok, "\(name): \(value)")
            }
        }
    }

    @Test("429 with Retry-After once a key exceeds its rate; other keys are unaffected")
    func rateLimit() async throws {
        var configuration = V1Routes.Configuration()
        configuration.rateLimit = 0.01
        configuration.rateBurst = 2
        let fixture = try await F(configuration: configuration)
        let other = try await fixture.key(scopes: [.notesRead])
        try await fixture.application().test(.router) { client in
            let uri = "/v1/note/note_00000000000000000000000000000000"
            for _ in 0..<2 {
                let response = try await client.execute(uri: uri, method: .get, headers: F.headers(fixture.key))
                #expect(response.status == .notFound)
            }
            let limited = try await client.execute(uri: uri, method: .get, headers: F.headers(fixture.key))
            #expect(limited.status == .tooManyRequests)
            #expect(F.error(limited.body)["code"] as? String == "RATE_LIMITED")
            let wait = try #require(limited.headers[.retryAfter].flatMap(Int.init))
            #expect((1...100).contains(wait))
            let unaffected = try await client.execute(uri: uri, method: .get, headers: F.headers(other))
            #expect(unaffected.status == .notFound)
        }
    }

    @Test("a store that cannot write (full disk, read-only) is 503 STORAGE_UNAVAILABLE with Retry-After, not a 500")
    func storeCannotWrite() async throws {
        let fixture = try await F()
        let routes = V1Routes(
            store: fixture.store, signal: fixture.signal, configuration: fixture.configuration, logger: fixture.logger)
        await #expect(throws: APIError.storageCannotWrite) {
            try await routes.storing { () async throws -> Int in
                throw StoreError(.cannotWrite, reason: "insert: SQLite error 13: database or disk is full")
            }
        }
        let response = APIError.storageCannotWrite.response
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers[.retryAfter] == "30")
        await #expect(throws: APIError.internalError) {
            try await routes.storing { () async throws -> Int in throw StoreError(.database, reason: "x") }
        }
    }

    @Test("500 says nothing internal when the store fails")
    func storeFailure() async throws {
        let fixture = try await F()
        let app = fixture.application()
        try await app.test(.router) { client in
            let body = F.body(["transcript": F.transcript])
            try fixture.store.close()
            let response = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            // The key lookup itself fails: the caller learns only that it was an internal error.
            #expect(response.status == .internalServerError)
            let error = F.error(response.body)
            #expect(error["code"] as? String == "INTERNAL_ERROR")
            let text = String(buffer: response.body)
            #expect(!text.contains("SQLite") && !text.contains("StoreError") && !text.contains(".swift"))
        }
    }

    @Test("Expired notes are 404 at once and erased by the sweep")
    func expiry() async throws {
        var configuration = V1Routes.Configuration()
        configuration.retention = .milliseconds(300)
        let fixture = try await F(configuration: configuration)
        try await fixture.application().test(.router) { client in
            let created = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: F.body(["transcript": F.transcript]))
            let id = try #require(F.json(created.body)["noteId"] as? String)
            #expect(try await fixture.store.noteCount() == 1)
            try await Task.sleep(for: .milliseconds(400))
            let expired = try await client.execute(uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
            #expect(expired.status == .notFound)
            let journal = try SQLiteJournal(
                databaseFile: fixture.directory.appendingPathComponent("journal.sqlite"),
                keyring: DataKeyring.load(keyFile: fixture.directory.appendingPathComponent("journal.key"), environment: [:]))
            await RetentionService(journal: journal, notes: fixture.store, retention: nil, logger: fixture.logger)
                .sweep(now: Date())
            #expect(try await fixture.store.noteCount() == 0)
            try await journal.close()
        }
    }

    @Test("A transcript marker appears in no log line and not in the database files (sealed)")
    func noPHI() async throws {
        let fixture = try await F()
        let marker = "ZEBRAQUARTZ\(Int.random(in: 100_000...999_999))"
        let transcript = F.transcript + "\nPatient: My neighbour \(marker) says the cough started after the party.\n"
        try await fixture.application().test(.router) { client in
            for path in ["/v1/note", "/v1/stream/note"] {
                let response = try await client.execute(
                    uri: path, method: .post, headers: F.headers(fixture.key),
                    body: F.body([
                        "transcript": transcript, "include_transcript": true, "include_billing_codes": true,
                        "context": ["patient_info": ["name": marker, "medical_history": marker]],
                    ]))
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).lowercased().contains(marker.lowercased()))
            }
            // Failures too: a bad field beside the marker.
            _ = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": transcript, "specialty": marker]))
        }
        #expect(!fixture.recorder.text.lowercased().contains(marker.lowercased()))
        let bytes = try fixture.databaseBytes()
        #expect(bytes.count > 0)
        #expect(!bytes.contains(bytes: Array(marker.utf8)))
        #expect(!bytes.contains(bytes: Array(marker.lowercased().utf8)))
        #expect(!bytes.contains(bytes: Array("benzonatate".utf8)))
    }

    @Test("GET /v1/specialties, /v1/templates and /openapi.json are public")
    func publicRoutes() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let specialties = try await client.execute(uri: "/v1/specialties", method: .get)
            #expect(specialties.status == .ok)
            let list = try #require(F.json(specialties.body)["specialties"] as? [[String: Any]])
            #expect(list.count == 24)
            #expect(list.contains { $0["value"] as? String == "genetic_counselling" })
            let templates = try await client.execute(uri: "/v1/templates", method: .get)
            let names = (F.json(templates.body)["templates"] as? [[String: Any]])?.compactMap { $0["value"] as? String }
            #expect(names == ["standard", "apso", "dap", "birp", "brief"])
            let openapi = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(openapi.status == .ok)
            let committed = try Data(
                contentsOf: URLPaths.repositoryRoot.appendingPathComponent("Sources/Gateway/openapi.json"))
            #expect(Array(openapi.body.readableBytesView) == Array(committed))
            #expect(F.json(openapi.body)["openapi"] as? String == "3.0.3")
        }
    }
}
