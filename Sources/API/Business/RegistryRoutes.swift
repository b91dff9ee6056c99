import Domain
import Foundation
import HTTP1
import HTTPServer
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

    public static func register(on api: inout APIRouter, service: BusinessService) {
        let readers = ApplicationRoutes.readers
        api.business(
            Self.searchOperation(
                "persons",
                id: "searchPersons",
                summary: "查询参保人员 / Search persons",
                identifier: ("citizenId", OpenAPI.Schemas.citizenIDQuery, "The exact citizen ID."),
                description: "By citizen ID or a part of the name, or all of them; ID and phone numbers masked.",
                list: "PersonList"
            ),
            service: service,
            action: "person.search"
        ) { call, input in
            try Self.searchPersons(input, call)
        }

        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/persons/{id}",
                id: "getPerson",
                tag: "registry",
                summary: "查看参保人员 / Get a person",
                description:
                    "The record in full with enrolments, applications and documents; the reading is audited.",
                access: .business(.personsAnd(readers), idempotent: false),
                parameters: [.id("The person.")],
                responses: [200: OpenAPI.Reply.json("Person", "The person.")]
            ),
            service: service,
            action: "person.read"
        ) { call, input in
            let (id, row) = try Self.readAudited(Self.person, input, call, ("该参保人员", "person"))
            return .json(try Self.personRecord(row, id, call))
        }

        api.business(
            Self.searchOperation(
                "employers",
                id: "searchEmployers",
                summary: "查询参保单位 / Search employers",
                identifier: ("creditCode", OpenAPI.Schemas.creditCodeQuery, "The exact credit code."),
                description: "By credit code or a part of the name, or all of them; phone numbers masked.",
                list: "EmployerList"
            ),
            service: service,
            action: "employer.search"
        ) { call, input in
            try Self.searchEmployers(input, call)
        }

        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/employers/{id}",
                id: "getEmployer",
                tag: "registry",
                summary: "查看参保单位 / Get an employer",
                description: "The record in full; the reading is audited.",
                access: .business(.operators(readers), idempotent: false),
                parameters: [.id("The employer.")],
                responses: [200: OpenAPI.Reply.json("Employer", "The employer.")]
            ),
            service: service,
            action: "employer.read"
        ) { call, input in
            let (id, row) = try Self.readAudited(Self.employer, input, call, ("该参保单位", "employer"))
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

        for (owner, id, summary, description) in [
            (
                "persons", "uploadPersonDocument", "上传参保人员材料 / Upload a person's document",
                "A scan kept with the person's record."
            ),
            (
                "applications", "uploadApplicationDocument", "上传业务申请材料 / Upload an application's document",
                "A scan kept with a draft or returned application (409 otherwise)."
            ),
        ] {
            api.business(
                OpenAPI.Operation(
                    method: .post,
                    path: "/api/v1/\(owner)/{id}/documents",
                    id: id,
                    tag: "documents",
                    summary: summary,
                    description: description + " JPEG, PNG or PDF, recognised by the bytes (415 otherwise).",
                    access: .business(.operators(ApplicationRoutes.makers), idempotent: true),
                    parameters: [
                        .id(owner == "persons" ? "The person." : "The application."),
                        .query("type", OpenAPI.Schema.ref("DocumentType"), "What the scan is.", required: true),
                    ],
                    requestBody: .upload,
                    responses: [201: OpenAPI.Reply.json("Document", "Stored.", headers: ["Location"])],
                    errors: [415],
                    maxBodyBytes: Self.maxDocumentBytes
                ),
                service: service,
                action: "document.upload"
            ) { call, input in
                try Self.upload(input, call, toApplication: owner == "applications")
            }
        }

        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/documents/{id}",
                id: "getDocument",
                tag: "documents",
                summary: "查看材料 / Get a document",
                description: "The scan's bytes, as stored; the reading is audited.",
                access: .business(.personsAnd(readers), idempotent: false),
                parameters: [.id("The document.")],
                responses: [
                    200: OpenAPI.Reply.media(
                        ["image/jpeg", "image/png", "application/pdf"],
                        ["type": "string", "format": "binary", "description": "The file's bytes."],
                        "The file."
                    )
                ]
            ),
            service: service,
            action: "document.read"
        ) { call, input in
            let (_, row) = try Self.readAudited(Self.document, input, call, ("该文件", "document"))
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

    /// `GET /api/v1/<owner>`: a registry search.
    static func searchOperation(
        _ owner: String,
        id: String,
        summary: String,
        identifier: (name: String, schema: OpenAPI.JSONValue, description: String),
        description: String,
        list: String
    ) -> OpenAPI.Operation {
        OpenAPI.Operation(
            method: .get,
            path: "/api/v1/\(owner)",
            id: id,
            tag: "registry",
            summary: summary,
            description: description,
            access: .business(.operators(ApplicationRoutes.readers), idempotent: false),
            parameters: [
                .query(identifier.name, identifier.schema, identifier.description),
                .query("name", OpenAPI.Schema.string(maxLength: 100), "A part of the name."),
                .limit(default: 20, maximum: 100),
                .cursor,
            ],
            responses: [200: OpenAPI.Reply.json(list, "A page, newest first.")]
        )
    }

    // MARK: Persons

    static func searchPersons(_ input: RequestInput, _ call: BusinessCall) throws -> HTTPResponse {
        try Self.search(input, call, Self.personSearch, identifier: "citizenId", path: "/api/v1/persons") {
            row,
            writer in
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
            let status = try ApplicationRecord.status(application)
            writer.beginObject()
            writer.key("id")
            writer.number(try application.decode("id", as: Int64.self))
            let type = ApplicationType(rawValue: try application.decode("type", as: String.self))
            writer.key("type")
            writer.string(type?.rawValue ?? "")
            writer.key("typeName")
            writer.string(type.map { ApplicationNames.name($0, call.language) } ?? "")
            writer.key("status")
            writer.string(status.rawValue)
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

    static func searchEmployers(_ input: RequestInput, _ call: BusinessCall) throws -> HTTPResponse {
        try Self.search(input, call, Self.employerSearch, identifier: "creditCode", path: "/api/v1/employers") {
            row,
            writer in
            try writer.columns(row, ["creditCode": "credit_code", "name": "name", "status": "status"])
            writer.key("contactPhoneMasked")
            writer.optional(
                try row.decode("contact_phone", as: String?.self).map { Mobile.isValid($0) ? Masking.phone($0) : $0 }
            )
            writer.key("officeId")
            writer.number(try row.decode("office_id", as: Int64.self))
        }
    }

    /// A registry search by an identifier (exact, upper-cased) or a name (anywhere in it), or of
    /// everyone in the caller's offices when neither is given, a keyset page at a time.
    static func search(
        _ input: RequestInput,
        _ call: BusinessCall,
        _ statement: PreparedStatement,
        identifier: String,
        path: String,
        _ item: (PostgresRow, inout JSONWriter) throws -> Void
    ) throws -> HTTPResponse {
        let limit = input.integer(required: "limit")
        let key = input.string(identifier).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        let name = input.string("name").map { $0.trimmingCharacters(in: .whitespaces) }
        let rows = try call.connection.query(
            statement,
            [
                key.flatMap { $0.isEmpty ? nil : $0 }, name.flatMap { $0.isEmpty ? nil : Self.likePattern($0) },
                input.integer("cursor"), limit + 1,
            ]
        )
        return try KeysetPage.answer(call.request, rows, limit: Int(limit), path: path, item)
    }

    // MARK: Documents

    static func upload(_ input: RequestInput, _ call: BusinessCall, toApplication: Bool) throws -> HTTPResponse {
        let owner = input.integer(required: "id")
        let body = call.request.body
        guard let type = input.string("type") else {
            preconditionFailure("the document type is a required parameter")
        }
        guard let contentType = FileSignature.contentType(of: body) else {
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
            guard record.status.isEditableByMaker else {
                throw ApplicationRoutes.wrongStatus(record.status)
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
                office, person, application, type, contentType, body.count,
                PostgresBytes(SHA256.hash(body)), PostgresBytes(body), try call.operatorID,
            ]
        ).single().decode(0, as: Int64.self)
        try call.audit(
            "document.upload",
            target: ("document", id),
            office: office,
            after: try PostgresJSON(encoding: [
                "documentType": type, "contentType": contentType, "sizeBytes": "\(body.count)",
            ])
        )
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("id")
        writer.number(id)
        writer.key("contentType")
        writer.string(contentType)
        writer.key("sizeBytes")
        writer.number(body.count)
        writer.endObject()
        return HTTPResponse(
            status: 201,
            headers: [("Content-Type", "application/json"), ("Location", "/api/v1/documents/\(id)")],
            body: writer.bytes
        )
    }

    // MARK: Helpers

    /// The record of the route's `id` by `statement` (which reads its `office_id`), its reading
    /// audited as `<kind>.read`; 404 naming the kind when it is not in the caller's offices.
    static func readAudited(
        _ statement: PreparedStatement,
        _ input: RequestInput,
        _ call: BusinessCall,
        _ kind: (zh: String, en: String)
    ) throws -> (Int64, PostgresRow) {
        let id = input.integer(required: "id")
        guard let row = try call.connection.query(statement, [id]).first else {
            throw BusinessError.notFound(kind.zh, kind.en)
        }
        try call.audit("\(kind.en).read", target: (kind.en, id), office: try row.decode("office_id", as: Int64.self))
        return (id, row)
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
