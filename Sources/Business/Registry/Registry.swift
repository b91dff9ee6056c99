public import Domain
public import Foundation
import Postgres
import Security

/// A person as a search lists them: ID and phone numbers masked.
public struct PersonSummary: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var citizenIDMasked: String
    public var phoneMasked: String?
    public var gender: String
    public var officeID: Int64
}

/// A person's record in full, with their enrolments, applications and documents.
public struct PersonRecord: Sendable, Equatable {
    public struct Enrolment: Sendable, Equatable {
        public var id: Int64
        public var scheme: String
        public var status: String
        public var employerID: Int64?
        public var startPeriod: Int
        public var endPeriod: Int64?
    }

    public struct Application: Sendable, Equatable {
        public var id: Int64
        /// Nil for a type this version does not know.
        public var type: ApplicationType?
        public var status: ApplicationStatus
        public var createdAt: Date
        public var voucherNumber: String?
    }

    public struct Document: Sendable, Equatable {
        public var id: Int64
        public var documentType: String
        public var contentType: String
        public var sizeBytes: Int
        public var uploadedAt: Date
    }

    public var id: Int64
    public var officeID: Int64
    public var citizenID: String?
    public var name: String?
    public var gender: String?
    public var birthDate: String?
    public var phone: String?
    public var address: String?
    public var householdType: String?
    public var ssCardNumber: String?
    public var bankCardNumber: String?
    public var bankName: String?
    public var enrolments: [Enrolment]
    /// The newest hundred.
    public var applications: [Application]
    public var documents: [Document]
}

/// An employer as a search lists them: the phone number masked.
public struct EmployerSummary: Sendable, Equatable {
    public var id: Int64
    public var creditCode: String?
    public var name: String?
    public var status: String?
    public var contactPhoneMasked: String?
    public var officeID: Int64
}

/// An employer's record in full.
public struct EmployerRecord: Sendable, Equatable {
    public var id: Int64
    public var officeID: Int64
    public var creditCode: String?
    public var name: String?
    public var industryCode: String?
    public var address: String?
    public var contactPhone: String?
    public var status: String?
    public var riskClass: Int
    /// The persons actively enrolled through the employer.
    public var staffCount: Int64
}

/// A scan as stored.
public struct StoredDocument: Sendable, Equatable {
    public var id: Int64
    public var contentType: String
    public var content: [UInt8]
}

/// What a registry search asks: an identifier (exact, upper-cased), a part of the name, or
/// neither (everyone in the caller's offices).
public struct RegistrySearch: Sendable, Equatable {
    public var identifier: String?
    public var name: String?

    public init(identifier: String? = nil, name: String? = nil) {
        self.identifier = identifier
        self.name = name
    }
}

/// The registry: persons and employers found by ID, name or credit code (lists mask ID and phone
/// numbers), a record opened in full (audited), and the scans attached to a person or an
/// application.
public enum Registry {
    /// What a scan may be.
    public static let documentTypes = [
        "id_card_front", "id_card_back", "household_register", "birth_certificate", "bank_card", "other",
    ]

    // MARK: Persons

    /// A page of persons, newest first.
    public static func searchPersons(
        _ search: RegistrySearch,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<PersonSummary> {
        let rows = try context.connection.query(Self.personSearch, Self.binds(search, page))
        let items = try rows.map { row in
            PersonSummary(
                id: try row.decode("id", as: Int64.self),
                name: try row.decode("name", as: String.self),
                citizenIDMasked: Masking.citizenID(try row.decode("citizen_id", as: String.self)),
                phoneMasked: try row.decode("phone", as: String?.self).map(Masking.phone),
                gender: try row.decode("gender", as: String.self),
                officeID: try row.decode("office_id", as: Int64.self)
            )
        }
        return Page(fetched: items, limit: page.limit, id: \.id)
    }

    /// The person `id` in full; the reading is audited.
    public static func person(_ id: Int64, _ context: BusinessContext) throws -> PersonRecord {
        let row = try Self.readAudited(Self.person, id, context, ("该参保人员", "person"))
        let enrolments = try context.connection.query(Self.enrolments, [id]).map { row in
            PersonRecord.Enrolment(
                id: try row.decode("id", as: Int64.self),
                scheme: try row.decode("scheme_code", as: String.self),
                status: try row.decode("status", as: String.self),
                employerID: try row.decode("employer_id", as: Int64?.self),
                startPeriod: try row.decode("start_period", as: Int.self),
                endPeriod: try row.decode("end_period", as: Int64?.self)
            )
        }
        let applications = try context.connection.query(Self.history, [id]).map { row in
            PersonRecord.Application(
                id: try row.decode("id", as: Int64.self),
                type: ApplicationType(rawValue: try row.decode("type", as: String.self)),
                status: try ApplicationRecord.status(row),
                createdAt: try row.decode("created_at", as: Date.self),
                voucherNumber: try row.decode("voucher_number", as: String?.self)
            )
        }
        let documents = try context.connection.query(Self.documents, [id]).map { row in
            PersonRecord.Document(
                id: try row.decode("id", as: Int64.self),
                documentType: try row.decode("document_type", as: String.self),
                contentType: try row.decode("content_type", as: String.self),
                sizeBytes: try row.decode("size_bytes", as: Int.self),
                uploadedAt: try row.decode("uploaded_at", as: Date.self)
            )
        }
        return PersonRecord(
            id: id,
            officeID: try row.decode("office_id", as: Int64.self),
            citizenID: try row.decode("citizen_id", as: String?.self),
            name: try row.decode("name", as: String?.self),
            gender: try row.decode("gender", as: String?.self),
            birthDate: try row.decode("birth_date", as: String?.self),
            phone: try row.decode("phone", as: String?.self),
            address: try row.decode("address", as: String?.self),
            householdType: try row.decode("household_type", as: String?.self),
            ssCardNumber: try row.decode("ss_card_number", as: String?.self),
            bankCardNumber: try row.decode("bank_card_number", as: String?.self),
            bankName: try row.decode("bank_name", as: String?.self),
            enrolments: enrolments,
            applications: applications,
            documents: documents
        )
    }

    // MARK: Employers

    /// A page of employers, newest first.
    public static func searchEmployers(
        _ search: RegistrySearch,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<EmployerSummary> {
        let rows = try context.connection.query(Self.employerSearch, Self.binds(search, page))
        let items = try rows.map { row in
            EmployerSummary(
                id: try row.decode("id", as: Int64.self),
                creditCode: try row.decode("credit_code", as: String?.self),
                name: try row.decode("name", as: String?.self),
                status: try row.decode("status", as: String?.self),
                contactPhoneMasked: try row.decode("contact_phone", as: String?.self).map {
                    Mobile.isValid($0) ? Masking.phone($0) : $0
                },
                officeID: try row.decode("office_id", as: Int64.self)
            )
        }
        return Page(fetched: items, limit: page.limit, id: \.id)
    }

    /// The employer `id` in full; the reading is audited.
    public static func employer(_ id: Int64, _ context: BusinessContext) throws -> EmployerRecord {
        let row = try Self.readAudited(Self.employer, id, context, ("该参保单位", "employer"))
        return EmployerRecord(
            id: id,
            officeID: try row.decode("office_id", as: Int64.self),
            creditCode: try row.decode("credit_code", as: String?.self),
            name: try row.decode("name", as: String?.self),
            industryCode: try row.decode("industry_code", as: String?.self),
            address: try row.decode("address", as: String?.self),
            contactPhone: try row.decode("contact_phone", as: String?.self),
            status: try row.decode("status", as: String?.self),
            riskClass: try row.decode("risk_class", as: Int.self),
            staffCount: try row.decode("staff", as: Int64.self)
        )
    }

    // MARK: Documents

    /// Where a scan is attached.
    public enum DocumentOwner: Sendable, Equatable {
        case person(Int64)
        /// A draft or returned application.
        case application(Int64)
    }

    /// Keeps `content`, a scan of `type`, with its owner, uploaded by the caller (audited).
    ///
    /// - Returns: the document's id and content type.
    /// - Throws: ``BusinessFailure`` unsupportedContent unless the bytes are JPEG, PNG or PDF;
    ///   notFound for an owner outside the caller's offices; conflict for an application in a
    ///   status that takes no documents.
    public static func upload(
        _ content: [UInt8],
        type: String,
        to owner: DocumentOwner,
        _ context: BusinessContext
    ) throws -> (id: Int64, contentType: String) {
        guard let contentType = FileSignature.contentType(of: content) else {
            throw BusinessFailure(
                .unsupportedContent,
                zh: "仅接受 JPEG、PNG 或 PDF 文件（按文件内容识别）",
                en: "only JPEG, PNG or PDF files are taken (recognised by their bytes)"
            )
        }
        var person: Int64?
        var application: Int64?
        let office: Int64
        switch owner {
        case .application(let id):
            let record = try ApplicationRecord.load(id, forUpdate: true, on: context.connection)
            guard record.status.isEditableByMaker else {
                throw ApplicationWorkflow.wrongStatus(record.status)
            }
            application = id
            person = record.personID
            office = record.officeID
        case .person(let id):
            guard let row = try context.connection.query(Self.personOffice, [id]).first else {
                throw BusinessFailure.notFound("该参保人员", "person")
            }
            person = id
            office = try row.decode(0, as: Int64.self)
        }
        let id = try context.connection.query(
            Self.insertDocument,
            [
                office, person, application, type, contentType, content.count,
                PostgresBytes(SHA256.hash(content)), PostgresBytes(content), try context.operatorID,
            ]
        ).single().decode(0, as: Int64.self)
        try context.audit(
            "document.upload",
            target: ("document", id),
            office: office,
            after: try PostgresJSON(encoding: [
                "documentType": type, "contentType": contentType, "sizeBytes": "\(content.count)",
            ])
        )
        return (id, contentType)
    }

    /// The scan `id`; the reading is audited.
    public static func document(_ id: Int64, _ context: BusinessContext) throws -> StoredDocument {
        let row = try Self.readAudited(Self.document, id, context, ("该文件", "document"))
        return StoredDocument(
            id: id,
            contentType: try row.decode("content_type", as: String.self),
            content: try row.decode("content", as: PostgresBytes.self).bytes
        )
    }

    // MARK: Helpers

    /// The record `id` by `statement` (which reads its `office_id`), its reading audited as
    /// `<kind>.read`.
    ///
    /// - Throws: ``BusinessFailure`` notFound naming the kind when it is not in the caller's
    ///   offices.
    static func readAudited(
        _ statement: PreparedStatement,
        _ id: Int64,
        _ context: BusinessContext,
        _ kind: (zh: String, en: String)
    ) throws -> PostgresRow {
        guard let row = try context.connection.query(statement, [id]).first else {
            throw BusinessFailure.notFound(kind.zh, kind.en)
        }
        try context.audit(
            "\(kind.en).read",
            target: (kind.en, id),
            office: try row.decode("office_id", as: Int64.self)
        )
        return row
    }

    /// The binds of a search statement: identifier, name pattern, cursor, limit + 1.
    static func binds(_ search: RegistrySearch, _ page: PageRequest) -> [(any PostgresEncodable)?] {
        let key = search.identifier.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        let name = search.name.map { $0.trimmingCharacters(in: .whitespaces) }
        return [
            key.flatMap { $0.isEmpty ? nil : $0 }, name.flatMap { $0.isEmpty ? nil : Self.likePattern($0) },
            page.cursor, page.limit + 1,
        ]
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

    // MARK: Statements

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
