import Domain
import Foundation
import HTTP1
public import HTTPServer
import Postgres
import Security

/// The registry: persons and employers found by ID, name or credit code (lists mask ID and phone
/// numbers), a record opened in full (audited), a person's enrolments per scheme and application
/// history, and the scans attached to a person or an application.
public enum RegistryRoutes {
    /// The largest scan taken: 5 MiB.
    public static let maxDocumentBytes = 5 * 1024 * 1024
    static let documentTypes = [
        "id_card_front", "id_card_back", "household_register", "birth_certificate", "bank_card", "other",
    ]

    public static func register(on router: inout Router, service: BusinessService) {
        router.add(.get, "/api/v1/persons") { request in
            try service.run(request, access: .operators(ApplicationRoutes.readers), action: "person.search") { call in
                try Self.searchPersons(request, call)
            }
        }

        router.add(.get, "/api/v1/persons/:id") { request in
            try service.run(request, access: .personsAnd(ApplicationRoutes.readers), action: "person.read") { call in
                let id = try Self.id(request, "参保人员", "person")
                guard let row = try call.connection.query(Self.person, [id]).first else {
                    throw BusinessError.notFound("该参保人员", "person")
                }
                try call.audit(
                    "person.read",
                    target: ("person", id),
                    office: try row.decode("office_id", as: Int64.self)
                )
                return .json(try Self.personRecord(row, id, call))
            }
        }

        router.add(.get, "/api/v1/employers") { request in
            try service.run(request, access: .operators(ApplicationRoutes.readers), action: "employer.search") { call in
                try Self.searchEmployers(request, call)
            }
        }

        router.add(.get, "/api/v1/employers/:id") { request in
            try service.run(request, access: .operators(ApplicationRoutes.readers), action: "employer.read") { call in
                let id = try Self.id(request, "参保单位", "employer")
                guard let row = try call.connection.query(Self.employer, [id]).first else {
                    throw BusinessError.notFound("该参保单位", "employer")
                }
                try call.audit(
                    "employer.read",
                    target: ("employer", id),
                    office: try row.decode("office_id", as: Int64.self)
                )
                var writer = JSONWriter(capacity: 512)
                writer.beginObject()
                writer.key("id")
                writer.number(id)
                try writer.columns(
                    row,
                    [
                        "creditCode": "credit_code", "name": "name", "industryCode": "industry_code",
                        "address": "address", "contactPhone": "contact_phone", "status": "status",
                    ]
                )
                writer.key("riskClass")
                writer.number(try row.decode("risk_class", as: Int.self))
                writer.key("officeId")
                writer.number(try row.decode("office_id", as: Int64.self))
                writer.key("staffCount")
                writer.number(try row.decode("staff", as: Int64.self))
                writer.endObject()
                return .json(writer.bytes)
            }
        }

        for owner in ["persons", "applications"] {
            router.add(
                .post,
                "/api/v1/\(owner)/:id/documents",
                maxBodyBytes: Self.maxDocumentBytes
            ) { request in
                try service.run(request, access: .operators(ApplicationRoutes.makers), action: "document.upload") {
                    call in
                    try Self.upload(request, call, toApplication: owner == "applications")
                }
            }
        }

        router.add(.get, "/api/v1/documents/:id") { request in
            try service.run(request, access: .personsAnd(ApplicationRoutes.readers), action: "document.read") { call in
                let id = try Self.id(request, "文件", "document")
                guard let row = try call.connection.query(Self.document, [id]).first else {
                    throw BusinessError.notFound("该文件", "document")
                }
                try call.audit(
                    "document.read",
                    target: ("document", id),
                    office: try row.decode("office_id", as: Int64.self)
                )
                return HTTPResponse(
                    status: 200,
                    headers: [
                        ("Content-Type", try row.decode("content_type", as: String.self)),
                        ("Cache-Control", "private, no-store"), ("X-Content-Type-Options", "nosniff"),
                        ("Content-Disposition", "inline"),
                    ],
                    body: try row.decode("content", as: PostgresBytes.self).bytes
                )
            }
        }
    }

    // MARK: Persons

    static func searchPersons(_ request: HTTPRequest, _ call: BusinessCall) throws -> HTTPResponse {
        try Self.search(
            request,
            call,
            Self.personSearch,
            identifier: "citizenId",
            hint: ("请按公民身份号码（citizenId）或姓名（name）查询", "search by citizenId or name"),
            path: "/api/v1/persons"
        ) { row, writer in
            writer.key("name")
            writer.string(try row.decode("name", as: String.self))
            writer.key("citizenIdMasked")
            writer.string(Masking.citizenID(try row.decode("citizen_id", as: String.self)))
            writer.key("phoneMasked")
            writer.optional(try row.decode("phone", as: String?.self).map(Masking.phone))
            writer.key("gender")
            writer.string(try row.decode("gender", as: String.self))
            writer.key("officeId")
            writer.number(try row.decode("office_id", as: Int64.self))
        }
    }

    static func personRecord(_ row: PostgresRow, _ id: Int64, _ call: BusinessCall) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("id")
        writer.number(id)
        try writer.columns(
            row,
            [
                "citizenId": "citizen_id", "name": "name", "gender": "gender", "birthDate": "birth_date",
                "phone": "phone", "address": "address", "householdType": "household_type",
                "ssCardNumber": "ss_card_number", "bankCardNumber": "bank_card_number", "bankName": "bank_name",
            ]
        )
        writer.key("officeId")
        writer.number(try row.decode("office_id", as: Int64.self))
        writer.key("enrolments")
        writer.beginArray()
        for enrolment in try call.connection.query(Self.enrolments, [id]) {
            let scheme = try enrolment.decode("scheme_code", as: String.self)
            writer.beginObject()
            writer.key("id")
            writer.number(try enrolment.decode("id", as: Int64.self))
            writer.key("schemeCode")
            writer.string(scheme)
            writer.key("schemeName")
            writer.string(Scheme(rawValue: scheme).map { call.language == .en ? $0.nameEn : $0.nameZh } ?? scheme)
            writer.key("status")
            writer.string(try enrolment.decode("status", as: String.self))
            writer.key("employerId")
            writer.optional(try enrolment.decode("employer_id", as: Int64?.self))
            writer.key("startPeriod")
            writer.number(try enrolment.decode("start_period", as: Int.self))
            writer.key("endPeriod")
            writer.optional(try enrolment.decode("end_period", as: Int64?.self))
            writer.endObject()
        }
        writer.endArray()
        writer.key("applications")
        writer.beginArray()
        for application in try call.connection.query(Self.history, [id]) {
            let status = try application.decode("status", as: String.self)
            writer.beginObject()
            writer.key("id")
            writer.number(try application.decode("id", as: Int64.self))
            let type = ApplicationType(rawValue: try application.decode("type", as: String.self))
            writer.key("type")
            writer.string(type?.rawValue ?? "")
            writer.key("typeName")
            writer.string(type.map { ApplicationNames.name($0, call.language) } ?? "")
            writer.key("status")
            writer.string(status)
            writer.key("statusName")
            writer.string(ApplicationNames.status(status, call.language))
            writer.key("createdAt")
            writer.string(try application.decode("created_at", as: Date.self).formatted(.iso8601))
            writer.key("voucherNumber")
            writer.optional(try application.decode("voucher_number", as: String?.self))
            writer.endObject()
        }
        writer.endArray()
        writer.key("documents")
        writer.beginArray()
        for document in try call.connection.query(Self.documents, [id]) {
            writer.beginObject()
            writer.key("id")
            writer.number(try document.decode("id", as: Int64.self))
            writer.key("documentType")
            writer.string(try document.decode("document_type", as: String.self))
            writer.key("contentType")
            writer.string(try document.decode("content_type", as: String.self))
            writer.key("sizeBytes")
            writer.number(try document.decode("size_bytes", as: Int.self))
            writer.key("uploadedAt")
            writer.string(try document.decode("uploaded_at", as: Date.self).formatted(.iso8601))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    // MARK: Employers

    static func searchEmployers(_ request: HTTPRequest, _ call: BusinessCall) throws -> HTTPResponse {
        try Self.search(
            request,
            call,
            Self.employerSearch,
            identifier: "creditCode",
            hint: ("请按统一社会信用代码（creditCode）或单位名称（name）查询", "search by creditCode or name"),
            path: "/api/v1/employers"
        ) { row, writer in
            try writer.columns(row, ["creditCode": "credit_code", "name": "name", "status": "status"])
            writer.key("contactPhoneMasked")
            writer.optional(
                try row.decode("contact_phone", as: String?.self).map { Mobile.isValid($0) ? Masking.phone($0) : $0 }
            )
            writer.key("officeId")
            writer.number(try row.decode("office_id", as: Int64.self))
        }
    }

    /// A registry search by an identifier (exact, upper-cased) or a name (anywhere in it), a
    /// keyset page at a time; 400 with `hint` when neither is given.
    static func search(
        _ request: HTTPRequest,
        _ call: BusinessCall,
        _ statement: PreparedStatement,
        identifier: String,
        hint: (zh: String, en: String),
        path: String,
        _ item: (PostgresRow, inout JSONWriter) throws -> Void
    ) throws -> HTTPResponse {
        let limit = try Query.integer(request, "limit", default: 20, range: 1...100)
        let cursor = try Query.optionalInteger(request, "cursor", range: 1...Int.max)
        let key = request.query(identifier).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        let name = request.query("name").map { $0.trimmingCharacters(in: .whitespaces) }
        guard key?.isEmpty == false || name?.isEmpty == false else {
            throw BusinessError(400, zh: hint.zh, en: hint.en)
        }
        let rows = try call.connection.query(statement, [key, name.map(Self.likePattern), cursor, limit + 1])
        return try KeysetPage.answer(request, rows, limit: limit, path: path, item)
    }

    // MARK: Documents

    static func upload(_ request: HTTPRequest, _ call: BusinessCall, toApplication: Bool) throws -> HTTPResponse {
        let owner = try Self.id(request, toApplication ? "业务申请" : "参保人员", toApplication ? "application" : "person")
        guard let type = try Query.oneOf(request, "type", Self.documentTypes) else {
            throw BusinessError(
                400,
                zh: "请用查询参数 type 指明文件种类：\(Self.documentTypes.joined(separator: "、"))",
                en: "name the document with the query parameter type: \(Self.documentTypes.joined(separator: ", "))"
            )
        }
        guard !request.body.isEmpty else {
            throw BusinessError(400, zh: "文件内容为空", en: "the body is empty: send the file's bytes")
        }
        guard request.body.count <= Self.maxDocumentBytes else {
            throw BusinessError(413, zh: "文件超过 5 MiB", en: "the file is larger than 5 MiB")
        }
        guard let contentType = FileSignature.contentType(of: request.body) else {
            throw BusinessError(
                415,
                zh: "仅接受 JPEG、PNG 或 PDF 文件（按文件内容识别）",
                en: "only JPEG, PNG or PDF files are taken (recognised by their bytes)"
            )
        }
        var person: Int64?
        var application: Int64?
        var office: Int64
        if toApplication {
            let record = try ApplicationRecord.load(owner, forUpdate: true, on: call.connection)
            guard record.status == "draft" || record.status == "returned" else {
                throw ApplicationRoutes.wrongStatus(record, call.language)
            }
            application = owner
            person = record.personID
            office = record.officeID
        } else {
            guard let row = try call.connection.query(Self.personOffice, [owner]).first else {
                throw BusinessError.notFound("该参保人员", "person")
            }
            person = owner
            office = try row.decode(0, as: Int64.self)
        }
        let id = try call.connection.query(
            Self.insertDocument,
            [
                office, person, application, type, contentType, request.body.count,
                PostgresBytes(SHA256.hash(request.body)), PostgresBytes(request.body), try call.operatorID,
            ]
        ).single().decode(0, as: Int64.self)
        try call.audit(
            "document.upload",
            target: ("document", id),
            office: office,
            after: try PostgresJSON(encoding: [
                "documentType": type, "contentType": contentType, "sizeBytes": "\(request.body.count)",
            ])
        )
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("id")
        writer.number(id)
        writer.key("contentType")
        writer.string(contentType)
        writer.key("sizeBytes")
        writer.number(request.body.count)
        writer.endObject()
        return HTTPResponse(
            status: 201,
            headers: [("Content-Type", "application/json"), ("Location", "/api/v1/documents/\(id)")],
            body: writer.bytes
        )
    }

    // MARK: Helpers

    /// The route's `:id`, or 404 naming the kind of record (`zh`, `en`).
    static func id(_ request: HTTPRequest, _ zh: String, _ en: String) throws -> Int64 {
        guard let id = request.idParameter else { throw BusinessError.notFound(zh, en) }
        return id
    }

    /// A LIKE pattern that finds `text` anywhere, its wildcards taken literally.
    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    static let personSearch = PreparedStatement(
        """
        SELECT id, name, citizen_id, phone, gender, office_id FROM shebao.person \
        WHERE ($1::text IS NULL OR citizen_id = $1) AND ($2::text IS NULL OR name LIKE $2) \
        AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4
        """
    )
    static let person = PreparedStatement(
        """
        SELECT office_id, citizen_id, name, gender, birth_date::text, phone, address, household_type, ss_card_number, \
        bank_card_number, bank_name FROM shebao.person WHERE id = $1
        """
    )
    static let personOffice = PreparedStatement("SELECT office_id FROM shebao.person WHERE id = $1")
    static let enrolments = PreparedStatement(
        """
        SELECT id, scheme_code, status, employer_id, start_period, end_period FROM shebao.enrolment \
        WHERE person_id = $1 ORDER BY scheme_code, start_period DESC, id DESC
        """
    )
    static let history = PreparedStatement(
        """
        SELECT a.id, a.type, a.status, a.created_at, v.number AS voucher_number FROM shebao.application a \
        LEFT JOIN shebao.voucher v ON v.application_id = a.id WHERE a.person_id = $1 ORDER BY a.id DESC LIMIT 100
        """
    )
    static let documents = PreparedStatement(
        """
        SELECT id, document_type, content_type, size_bytes, uploaded_at FROM shebao.person_document \
        WHERE person_id = $1 ORDER BY id
        """
    )
    static let document = PreparedStatement(
        "SELECT office_id, content_type, content FROM shebao.person_document WHERE id = $1"
    )
    static let insertDocument = PreparedStatement(
        """
        INSERT INTO shebao.person_document (office_id, person_id, application_id, document_type, content_type, \
        size_bytes, sha256, content, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
        """
    )
    static let employerSearch = PreparedStatement(
        """
        SELECT id, credit_code, name, status, contact_phone, office_id FROM shebao.employer \
        WHERE ($1::text IS NULL OR credit_code = $1) AND ($2::text IS NULL OR name LIKE $2) \
        AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4
        """
    )
    static let employer = PreparedStatement(
        """
        SELECT e.office_id, e.credit_code, e.name, e.industry_code, e.risk_class, e.address, e.contact_phone, e.status, \
        (SELECT count(DISTINCT n.person_id) FROM shebao.enrolment n WHERE n.employer_id = e.id AND n.status = 'active') \
        AS staff FROM shebao.employer e WHERE e.id = $1
        """
    )
}
