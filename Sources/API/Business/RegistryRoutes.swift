import Business
import Domain
import Foundation
import HTTP1
import HTTPServer

/// The registry: persons and employers found by ID, name or credit code (lists mask ID and phone
/// numbers), a record opened in full (audited), a person's enrolments per scheme and application
/// history, and the scans attached to a person or an application.
public enum RegistryRoutes {
    /// The largest scan taken: 5 MiB.
    public static let maxDocumentBytes = 5 * 1024 * 1024
    static let documentTypes = Registry.documentTypes

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
            let person = try Registry.person(input.integer(required: "id"), call.context)
            return .json(Self.personJSON(person, call.language))
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
            let employer = try Registry.employer(input.integer(required: "id"), call.context)
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("id")
            writer.number(employer.id)
            for (key, value) in [
                ("creditCode", employer.creditCode), ("name", employer.name), ("industryCode", employer.industryCode),
                ("address", employer.address), ("contactPhone", employer.contactPhone), ("status", employer.status),
            ] {
                writer.key(key)
                writer.optional(value)
            }
            writer.key("riskClass")
            writer.number(employer.riskClass)
            writer.key("officeId")
            writer.number(employer.officeID)
            writer.key("staffCount")
            writer.number(employer.staffCount)
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
            let document = try Registry.document(input.integer(required: "id"), call.context)
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", document.contentType),
                    ("Cache-Control", "private, no-store"), ("X-Content-Type-Options", "nosniff"),
                    ("Content-Disposition", "inline"),
                ],
                body: document.content
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
        let search = RegistrySearch(identifier: input.string("citizenId"), name: input.string("name"))
        let page = try Registry.searchPersons(search, KeysetPage.request(input), call.context)
        return try KeysetPage.answer(call.request, page, path: "/api/v1/persons", id: \.id) { person, writer in
            writer.key("name")
            writer.string(person.name)
            writer.key("citizenIdMasked")
            writer.string(person.citizenIDMasked)
            writer.key("phoneMasked")
            writer.optional(person.phoneMasked)
            writer.key("gender")
            writer.string(person.gender)
            writer.key("officeId")
            writer.number(person.officeID)
        }
    }

    static func personJSON(_ person: PersonRecord, _ language: Language) -> [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("id")
        writer.number(person.id)
        for (key, value) in [
            ("citizenId", person.citizenID), ("name", person.name), ("gender", person.gender),
            ("birthDate", person.birthDate), ("phone", person.phone), ("address", person.address),
            ("householdType", person.householdType), ("ssCardNumber", person.ssCardNumber),
            ("bankCardNumber", person.bankCardNumber), ("bankName", person.bankName),
        ] {
            writer.key(key)
            writer.optional(value)
        }
        writer.key("officeId")
        writer.number(person.officeID)
        writer.key("enrolments")
        writer.beginArray()
        for enrolment in person.enrolments {
            writer.beginObject()
            writer.key("id")
            writer.number(enrolment.id)
            writer.key("schemeCode")
            writer.string(enrolment.scheme)
            writer.key("schemeName")
            writer.string(
                Scheme(rawValue: enrolment.scheme).map { language == .en ? $0.nameEn : $0.nameZh } ?? enrolment.scheme
            )
            writer.key("status")
            writer.string(enrolment.status)
            writer.key("employerId")
            writer.optional(enrolment.employerID)
            writer.key("startPeriod")
            writer.number(enrolment.startPeriod)
            writer.key("endPeriod")
            writer.optional(enrolment.endPeriod)
            writer.endObject()
        }
        writer.endArray()
        writer.key("applications")
        writer.beginArray()
        for application in person.applications {
            writer.beginObject()
            writer.key("id")
            writer.number(application.id)
            writer.key("type")
            writer.string(application.type?.rawValue ?? "")
            writer.key("typeName")
            writer.string(application.type.map { ApplicationNames.name($0, language) } ?? "")
            writer.key("status")
            writer.string(application.status.rawValue)
            writer.key("statusName")
            writer.string(ApplicationNames.status(application.status, language))
            writer.key("createdAt")
            writer.string(application.createdAt.formatted(.iso8601))
            writer.key("voucherNumber")
            writer.optional(application.voucherNumber)
            writer.endObject()
        }
        writer.endArray()
        writer.key("documents")
        writer.beginArray()
        for document in person.documents {
            writer.beginObject()
            writer.key("id")
            writer.number(document.id)
            writer.key("documentType")
            writer.string(document.documentType)
            writer.key("contentType")
            writer.string(document.contentType)
            writer.key("sizeBytes")
            writer.number(document.sizeBytes)
            writer.key("uploadedAt")
            writer.string(document.uploadedAt.formatted(.iso8601))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    // MARK: Employers

    static func searchEmployers(_ input: RequestInput, _ call: BusinessCall) throws -> HTTPResponse {
        let search = RegistrySearch(identifier: input.string("creditCode"), name: input.string("name"))
        let page = try Registry.searchEmployers(search, KeysetPage.request(input), call.context)
        return try KeysetPage.answer(call.request, page, path: "/api/v1/employers", id: \.id) { employer, writer in
            for (key, value) in [
                ("creditCode", employer.creditCode), ("name", employer.name), ("status", employer.status),
            ] {
                writer.key(key)
                writer.optional(value)
            }
            writer.key("contactPhoneMasked")
            writer.optional(employer.contactPhoneMasked)
            writer.key("officeId")
            writer.number(employer.officeID)
        }
    }

    // MARK: Documents

    static func upload(_ input: RequestInput, _ call: BusinessCall, toApplication: Bool) throws -> HTTPResponse {
        let owner = input.integer(required: "id")
        guard let type = input.string("type") else {
            preconditionFailure("the document type is a required parameter")
        }
        let body = call.request.body
        let (id, contentType) = try Registry.upload(
            body,
            type: type,
            to: toApplication ? .application(owner) : .person(owner),
            call.context
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
}
