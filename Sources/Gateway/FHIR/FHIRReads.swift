import FHIR
import Foundation
import Hummingbird
import Store

/// Reads of what NoteBridge produced through `/fhir`: `GET /fhir/DocumentReference/{id}`,
/// `GET /fhir/Composition/{id}`, and `GET /fhir/DocumentReference?patient=&encounter=&date=`, over the calling
/// key's notes only (another key's note is as absent as a missing one). Every read is audited.
extension FHIRRoutes {
    /// The search parameters of DocumentReference that are supported.
    static let searchParameters: Set<String> = ["patient", "subject", "encounter", "date", "_count", "_offset", "_format"]
    /// The most entries one search page returns.
    static let maximumPageSize = 200

    /// `GET /fhir/<type>/<id>`: the resource from the stored document Bundle of its note.
    func readResource(_ type: String, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        let format = FHIRFormat.requested(request)
        let id = context.parameters.get("id") ?? ""
        let noteID = Self.noteID(resourceType: type, id: id)
        do throws(FHIRError) {
            let key = try await authenticate(request, context, scope: .notesRead, action: .read, noteID: noteID)
            do throws(FHIRError) {
                guard let noteID, let stored = try await ownedNote(noteID, key: key), let bundle = try Self.bundle(stored),
                    let resource = Self.entries(bundle).first(where: {
                        $0["resourceType"]?.string == type && $0["id"]?.string == id
                    })
                else {
                    throw FHIRError(.notFound, "not-found", "no \(type) with this id (it may have expired or been deleted)")
                }
                await v1.record(.read, key: key, noteID: noteID, status: 200, error: nil, context)
                return format.response(
                    .ok, Self.versioned(resource, stored: stored),
                    headers: [(.eTag, #"W/"1""#), (.lastModified, Self.httpDate(stored.createdAt))])
            } catch {
                await v1.record(.read, key: key, noteID: noteID, status: Int(error.status.code), error: error.code, context)
                throw error
            }
        } catch {
            return format.response(error.status, error.outcome, headers: error.headers)
        }
    }

    /// `GET /fhir/DocumentReference?...`: a `searchset` Bundle of the key's notes' DocumentReferences, newest
    /// first, with the total and paging links. Unknown parameters are ignored (and left out of the `self` link)
    /// unless the client sends `Prefer: handling=strict`.
    func searchDocumentReferences(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let format = FHIRFormat.requested(request)
        do throws(FHIRError) {
            let key = try await authenticate(request, context, scope: .notesRead, action: .read)
            do throws(FHIRError) {
                let search = try Self.search(request, ownerKeyID: key.id)
                let (total, notes) = try await searching { try await v1.notes.fhirNotes(search.query, now: Date()) }
                var entries: [JSONValue] = []
                for stored in notes {
                    guard let bundle = try Self.bundle(stored),
                        let resource = Self.entries(bundle).first(where: { $0["resourceType"]?.string == "DocumentReference" }),
                        let id = resource["id"]?.string
                    else { continue }
                    entries.append(
                        .make([
                            "fullUrl": .string("DocumentReference/\(id)"), "resource": Self.versioned(resource, stored: stored),
                            "search": .make(["mode": "match"]),
                        ]))
                    await v1.record(.read, key: key, noteID: stored.id, status: 200, error: nil, context)
                }
                var links: [JSONValue] = [.make(["relation": "self", "url": .string(search.link(offset: search.query.offset))])]
                if search.query.offset + notes.count < total {
                    links.append(.make(["relation": "next", "url": .string(search.link(offset: search.query.offset + notes.count))]))
                }
                if search.query.offset > 0 {
                    links.append(
                        .make([
                            "relation": "previous",
                            "url": .string(search.link(offset: max(0, search.query.offset - search.query.limit))),
                        ]))
                }
                let bundle: JSONValue = .make([
                    "resourceType": "Bundle", "type": "searchset", "total": .integer(total), "link": .array(links),
                    "entry": entries.isEmpty ? nil : .array(entries),
                ])
                return format.response(.ok, bundle)
            } catch {
                await v1.record(.read, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
                throw error
            }
        } catch {
            return format.response(error.status, error.outcome, headers: error.headers)
        }
    }

    /// A parsed search: the store query and the canonical parameters for links.
    struct Search {
        var query: NoteQuery
        var parameters: [(String, String)]

        func link(offset: Int) -> String {
            let pairs = parameters + [("_count", String(query.limit)), ("_offset", String(offset))]
            return "DocumentReference?" + pairs.map { "\($0)=\(Self.escaped($1))" }.joined(separator: "&")
        }

        static func escaped(_ text: String) -> String {
            var allowed = CharacterSet.urlQueryAllowed
            allowed.remove(charactersIn: "&=+")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
    }

    /// Reads the search parameters: `patient` (or `subject`) and `encounter` as `id`, `Type/id` or an absolute
    /// URL ending in `Type/id`; `date` (repeatable) with the prefixes eq, ge, gt, le, lt over a date or dateTime;
    /// `_count` (1...200, default 50) and `_offset`.
    static func search(_ request: Request, ownerKeyID: String) throws(FHIRError) -> Search {
        let strict = (request.headers[.prefer] ?? "").lowercased().contains("handling=strict")
        var query = NoteQuery(ownerKeyID: ownerKeyID)
        var parameters: [(String, String)] = []
        for (rawName, rawValue) in request.uri.queryParameters {
            let name = String(rawName)
            let value = String(rawValue)
            guard searchParameters.contains(name) else {
                if strict {
                    throw FHIRError(
                        .badRequest, "not-supported",
                        "search parameter \(name) is not supported; supported: patient, subject, encounter, date, _count, _offset",
                        expression: name)
                }
                continue
            }
            switch name {
            case "patient", "subject":
                guard let reference = reference(value, type: "Patient") else {
                    throw FHIRError(.badRequest, "value", "\(name) must be a Patient id or reference", expression: name)
                }
                if let earlier = query.lookup.patient, earlier != reference {
                    throw FHIRError(.badRequest, "value", "\(name) names a second patient", expression: name)
                }
                query.lookup.patient = reference
                parameters.append(("patient", reference))
            case "encounter":
                guard let reference = reference(value, type: "Encounter") else {
                    throw FHIRError(.badRequest, "value", "encounter must be an Encounter id or reference", expression: name)
                }
                query.lookup.encounter = reference
                parameters.append(("encounter", reference))
            case "date":
                guard let range = FHIRDateSearch(value) else {
                    throw FHIRError(
                        .badRequest, "value",
                        "date must be [eq|ge|gt|le|lt]YYYY[-MM[-DD[Thh:mm[:ss[.fff]]][Z|+hh:mm]]]", expression: name)
                }
                if let from = range.from { query.createdFrom = max(query.createdFrom ?? from, from) }
                if let before = range.before { query.createdBefore = min(query.createdBefore ?? before, before) }
                parameters.append(("date", value))
            case "_count":
                guard let count = Int(value), (1...maximumPageSize).contains(count) else {
                    throw FHIRError(.badRequest, "value", "_count must be 1 to \(maximumPageSize)", expression: name)
                }
                query.limit = count
            case "_offset":
                guard let offset = Int(value), offset >= 0, offset <= 1_000_000 else {
                    throw FHIRError(.badRequest, "value", "_offset must be 0 to 1000000", expression: name)
                }
                query.offset = offset
            default:
                continue
            }
        }
        return Search(query: query, parameters: parameters)
    }

    /// `Type/id` from `id`, `Type/id`, or an absolute URL ending in `Type/id` (with `_history` dropped).
    static func reference(_ value: String, type: String) -> String? {
        guard let (found, id) = FHIRReference.parse(value), found == nil || found == type else { return nil }
        return "\(type)/\(id)"
    }

    /// The note behind a rendered resource id: `nb-<32 hex>` is the Composition, `nb-<32 hex>-doc` the
    /// DocumentReference.
    static func noteID(resourceType: String, id: String) -> String? {
        let suffix = resourceType == "DocumentReference" ? "-doc" : ""
        guard id.hasPrefix("nb-"), id.hasSuffix(suffix) else { return nil }
        let candidate = "note_" + id.dropFirst(3).dropLast(suffix.count)
        return V1Routes.isNoteID(candidate) ? candidate : nil
    }

    /// The note if it exists, has not expired and belongs to `key`.
    func ownedNote(_ id: String, key: APIKeyRecord) async throws(FHIRError) -> StoredNote? {
        let stored = try await searching { try await v1.notes.note(id: id, now: Date()) }
        guard let stored, stored.ownerKeyID == key.id else { return nil }
        return stored
    }

    func searching<T>(_ body: () async throws -> T) async throws(FHIRError) -> T {
        do {
            return try await v1.storing(body)
        } catch let error as APIError {
            throw FHIRError(error)
        } catch {
            throw FHIRError(.internalServerError, "exception", "the note store failed")
        }
    }

    /// Reads what NoteBridge itself stored (written within the request limits, so these only bound a corrupt row).
    static let storedReader = JSONReader(limits: JSONReader.Limits(maximumBytes: 1 << 30, maximumDepth: 64))

    /// The stored document Bundle of a note made through `/fhir` (`nil` for a `/v1` note).
    static func bundle(_ stored: StoredNote) throws(FHIRError) -> JSONValue? {
        guard let bytes = stored.fhir else { return nil }
        do {
            return try storedReader.read(bytes)
        } catch {
            throw FHIRError(.internalServerError, "exception", "a stored note could not be read")
        }
    }

    /// The resources of a Bundle's entries.
    static func entries(_ bundle: JSONValue) -> [JSONValue] {
        (bundle["entry"]?.array ?? []).compactMap { $0["resource"] }
    }

    /// The resource with `meta.versionId` 1 and `meta.lastUpdated` (its note's creation), other meta kept.
    static func versioned(_ resource: JSONValue, stored: StoredNote) -> JSONValue {
        versioned(resource, createdAt: createdAt(stored))
    }

    /// When the note was made, exactly as its document and its resources say (`created_at`), so that every
    /// answer about it gives the same instant.
    static func createdAt(_ stored: StoredNote) -> String {
        let document = try? storedReader.read(stored.document)
        return document?["created_at"]?.string ?? NoteDocument.timestamp(stored.createdAt)
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// A FHIR `date` search value as a half-open time range: the prefix (eq, ge, gt, le, lt; `eq` when absent)
/// applied to the value's implicit range (a year, month, day, minute, second or millisecond). A value without a
/// zone is read as UTC.
struct FHIRDateSearch: Equatable {
    /// Inclusive lower bound.
    var from: Date?
    /// Exclusive upper bound.
    var before: Date?

    init?(_ text: String) {
        var value = Substring(text)
        var prefix = "eq"
        if let first = value.first, first.isLetter {
            prefix = String(value.prefix(2))
            value = value.dropFirst(2)
        }
        guard let (start, end) = Self.range(value) else { return nil }
        switch prefix {
        case "eq": from = start; before = end
        case "ge": from = start
        case "gt": from = end
        case "le": before = end
        case "lt": before = start
        default: return nil
        }
    }

    /// The implicit range of a FHIR date or dateTime.
    static func range(_ value: Substring) -> (Date, Date)? {
        let text = String(value)
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        let digits = { (part: Substring) in part.allSatisfy(\.isNumber) ? Int(part) : nil }
        let dateParts = text.prefix(10).split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(dateParts.count), dateParts[0].count == 4, let year = digits(dateParts[0]) else { return nil }
        var components = DateComponents(year: year, month: 1, day: 1)
        var unit = Calendar.Component.year
        if dateParts.count >= 2 {
            guard dateParts[1].count == 2, let month = digits(dateParts[1]), (1...12).contains(month) else { return nil }
            components.month = month
            unit = .month
        }
        if dateParts.count == 3 {
            guard dateParts[2].count == 2, let day = digits(dateParts[2]), (1...31).contains(day) else { return nil }
            components.day = day
            unit = .day
        }
        if text.count <= 10 {
            guard text.count == [4, 7, 10][dateParts.count - 1], let start = calendar.date(from: components),
                let end = calendar.date(byAdding: unit, value: 1, to: start)
            else { return nil }
            return (start, end)
        }
        // A dateTime: full date, then a time to the minute at least, and a zone when a time is given.
        guard dateParts.count == 3 else { return nil }
        let formatter = ISO8601DateFormatter()
        var body = text
        var width: TimeInterval = 60
        if text.contains(".") {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            width = 0.001
        } else if text.count >= 19, text[text.index(text.startIndex, offsetBy: 16)] == ":" {
            formatter.formatOptions = [.withInternetDateTime]
            width = 1
        } else {
            // hh:mm: supply the seconds.
            guard text.count >= 16 else { return nil }
            let cut = text.index(text.startIndex, offsetBy: 16)
            body = String(text[..<cut]) + ":00" + text[cut...]
            formatter.formatOptions = [.withInternetDateTime]
        }
        let hasZone = body.hasSuffix("Z") || (body.count >= 25 && ["+", "-"].contains(body.dropLast(5).last))
        if !hasZone { body += "Z" }
        guard let start = formatter.date(from: body) else { return nil }
        return (start, start.addingTimeInterval(width))
    }
}
