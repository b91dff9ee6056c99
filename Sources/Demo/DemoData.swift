import Domain
public import Postgres
public import Security

/// Demo and scale data: a province (Jiangsu) with its 13 cities, districts and service points;
/// operators for every role; employers with valid credit codes; persons with valid citizen IDs,
/// mobile numbers and bank cards; their enrolments; a year of contribution history; and basic
/// pensions with the offices' disbursement schedules.
///
/// Persons and employers go in through COPY, dues, account entries and benefits through
/// set-based SQL, so a million persons load in minutes (and a million benefits in well under
/// one). Everything is derived from counters, so a run is
/// reproducible. Runs as the schema owner (or a superuser).
public struct DemoData {
    public struct Options: Sendable {
        /// Insured persons.
        public var persons = 2_000
        /// Offices in all, the province and its cities included (at least 20).
        public var offices = 30
        /// Active basic pensions paid from before this month, at most ``persons``; nil for a
        /// tenth of the persons. A few suspended, ended and starting next month come beside
        /// them while persons of retirement age are left (``DemoData/loadBenefits(_:)``).
        public var benefits: Int?
        /// The password of the demo operators and of the demo person who has one
        /// (``Examples/personCitizenID``).
        public var password = "Shebao@2026"
        /// scrypt parameters for the operators' and the person's hashes.
        public var passwordParameters = PasswordHash.Parameters.recommended
        /// The first period of the contribution history (12 months from it), no earlier than
        /// ``DemoData/policyFirstPeriod``.
        public var firstPeriod = 202501

        public init() {}

        /// ``benefits``, or a tenth of the persons.
        public var benefitCount: Int { self.benefits ?? self.persons / 10 }
    }

    /// A demo operator, at the first district of Nanjing.
    public struct Operator: Sendable {
        public var username: String
        public var role: String
        public var name: String
        /// The second factor (base32, RFC 4648) of an operator whose role needs one by default
        /// (`SHEBAO_SECOND_FACTOR_ROLES`), fixed so that a newcomer can compute its codes; nil
        /// for the others.
        public var totpSecret: String?
    }

    /// The demo operators, one per role.
    public static let operators: [Operator] = [
        Operator(
            username: "admin",
            role: "administrator",
            name: "系统管理员",
            totpSecret: "SHEBAODEMOADMINTOTPSECRETKEY2345"
        ),
        Operator(username: "auditor", role: "auditor", name: "安全审计员", totpSecret: "SHEBAODEMOAUDITORTOTPSECRETKEY23"),
        Operator(username: "clerk", role: "clerk", name: "经办员"),
        Operator(username: "reviewer", role: "reviewer", name: "审核员", totpSecret: "SHEBAODEMOREVIEWERTOTPSECRETKEY2"),
        Operator(
            username: "officer",
            role: "disbursement_officer",
            name: "发放经办员",
            totpSecret: "SHEBAODEMOOFFICERTOTPSECRETKEY23"
        ),
        Operator(
            username: "approver",
            role: "disbursement_approver",
            name: "发放审批员",
            totpSecret: "SHEBAODEMOAPPROVERTOTPSECRETKEY2"
        ),
        Operator(username: "manager", role: "office_manager", name: "机构负责人"),
    ]

    public struct Summary: Sendable, Equatable {
        public var offices = 0
        public var operators = 0
        public var employers = 0
        public var persons = 0
        public var enrolments = 0
        public var dues = 0
        /// Benefits, every status, and the offices' disbursement schedules.
        public var benefits = 0
        public var schedules = 0
        /// Applications waiting in the demo reviewer's queue.
        public var applications = 0
        /// False when the database already held demo data and nothing was added.
        public var seeded = true
    }

    let options: Options
    let progress: (String, Int, Int) -> Void

    /// - Parameter progress: told (stage, done, total) as rows go in.
    public init(options: Options, progress: @escaping (String, Int, Int) -> Void = { _, _, _ in }) {
        precondition(options.offices >= 20 && options.persons >= 1, "at least 20 offices and 1 person")
        precondition(
            (0...options.persons).contains(options.benefitCount),
            "no more benefits than persons: one basic pension a person"
        )
        precondition(options.firstPeriod >= Self.policyFirstPeriod, "the history starts before the demo policy")
        self.options = options
        self.progress = progress
    }

    /// Loads the data in one transaction, unless offices exist already.
    public func load(on connection: PostgresConnection) throws -> Summary {
        try connection.withTransaction { tx in
            try tx.execute(unsafeScript: "SET LOCAL ROLE shebao_owner")
            if try tx.query("SELECT count(*) FROM shebao.office").single().decode(0, as: Int.self) > 0 {
                return Summary(seeded: false)
            }
            var summary = Summary()
            let offices = try self.loadOffices(tx)
            summary.offices = offices.count
            // The demo operators' office, where the examples are too.
            let clerksOffice = offices.first { $0.level == "district" }!.id
            summary.operators = try self.loadOperators(tx, office: clerksOffice)
            try self.loadPolicy(tx)
            // A superuser skips the foreign-key triggers for the bulk rows, as a restore does:
            // the rows are generated consistent, and the triggers would cost most of the time.
            if try tx.query("SELECT rolsuper FROM pg_roles WHERE rolname = session_user").single().decode(
                0,
                as: Bool.self
            ) {
                try tx.execute(
                    unsafeScript:
                        "RESET ROLE; SET LOCAL session_replication_role = replica; SET LOCAL ROLE shebao_owner"
                )
            }
            let serving = offices.filter { $0.level == "district" || $0.level == "service_point" }
            summary.employers = try self.loadEmployers(tx, serving)
            summary.persons = try self.loadPersons(tx, serving)
            summary.enrolments = try self.loadEnrolments(tx)
            summary.dues = try self.loadHistory(tx)
            summary.persons += try self.loadExamples(tx, office: clerksOffice)
            (summary.benefits, summary.schedules) = try self.loadBenefits(tx)
            summary.applications = try self.loadApplications(tx, office: clerksOffice)
            try tx.execute(unsafeScript: "ANALYZE")
            return summary
        }
    }

    // MARK: Offices

    struct Office {
        var id: Int64
        var code: String
        var level: String
    }

    static let cities: [(code: String, name: String)] = [
        ("320100", "南京市"), ("320200", "无锡市"), ("320300", "徐州市"), ("320400", "常州市"), ("320500", "苏州市"),
        ("320600", "南通市"), ("320700", "连云港市"), ("320800", "淮安市"), ("320900", "盐城市"),
        ("321000", "扬州市"), ("321100", "镇江市"), ("321200", "泰州市"), ("321300", "宿迁市"),
    ]

    private func loadOffices(_ tx: PostgresConnection) throws -> [Office] {
        func insert(_ parent: Int64?, _ code: String, _ level: String, _ name: String) throws -> Office {
            let id = try tx.query(
                "INSERT INTO shebao.office (parent_id, code, region_code, level, name) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                [parent, code, String(code.prefix(6)), level, name]
            ).single().decode(0, as: Int64.self)
            return Office(id: id, code: code, level: level)
        }
        var offices = [try insert(nil, "320000", "province", "江苏省社会保险事业管理中心")]
        var cities: [Office] = []
        for city in Self.cities {
            cities.append(try insert(offices[0].id, city.code, "city", "\(city.name)社会保险事业管理中心"))
        }
        offices += cities
        // The rest: districts round-robin over the cities, then service points under districts.
        let remaining = self.options.offices - offices.count
        let districtCount = max(Self.cities.count, remaining / 5)
        var districts: [Office] = []
        for index in 0..<min(districtCount, remaining) {
            let city = cities[index % cities.count]
            let number = index / cities.count + 2
            let code = String(city.code.prefix(4)) + (number < 10 ? "0" : "") + String(number)
            let name = "\(Self.cities[index % cities.count].name)第\(number - 1)区社会保险经办处"
            districts.append(try insert(city.id, code, "district", name))
        }
        offices += districts
        var pointNumber = 0
        while offices.count < self.options.offices {
            let district = districts[pointNumber % districts.count]
            let sequence = pointNumber / districts.count + 1
            let code = district.code + String(repeating: "0", count: 3 - String(sequence).count) + String(sequence)
            offices.append(try insert(district.id, code, "service_point", "服务网点 \(code)"))
            pointNumber += 1
        }
        self.progress("offices", offices.count, offices.count)
        return offices
    }

    // MARK: Operators and policy

    private func loadOperators(_ tx: PostgresConnection, office: Int64) throws -> Int {
        for (index, demo) in Self.operators.enumerated() {
            let hash = try PasswordHash.make(
                password: self.options.password,
                parameters: self.options.passwordParameters
            )
            // Stored as enrolment stores a confirmed secret: the bytes, no step used yet.
            let secret = demo.totpSecret.map { text in
                guard let bytes = Base32.decode(text) else {
                    preconditionFailure("the demo secret \(text) is not base32")
                }
                return PostgresBytes(bytes)
            }
            let id = try tx.query(
                """
                INSERT INTO shebao.operator (office_id, username, display_name, password_hash, must_change_password,
                    totp_secret)
                VALUES ($1, $2, $3, $4, false, $5) RETURNING id
                """,
                [office, demo.username, demo.name, hash.encoded, secret]
            ).single().decode(0, as: Int64.self)
            try tx.query(
                "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
                [office, id, demo.role]
            )
            self.progress("operators", index + 1, Self.operators.count)
        }
        return Self.operators.count
    }

    /// The month the demo's contribution policy takes effect, open-ended.
    public static let policyFirstPeriod = 202407

    /// The worked example of the domain notes (§6.3): average 7,500 yuan, floor 4,500, ceiling
    /// 22,500; pension 16%/8%, medical 8%/2%, unemployment 0.5%/0.5%, injury by risk class;
    /// maternity is registered beside medical and paid within its rate (§10.4), so 0%/0%.
    private func loadPolicy(_ tx: PostgresConnection) throws {
        let schemes: [(String, Int, Int, String?)] = [
            ("110", 160_000, 80_000, nil), ("310", 80_000, 20_000, nil), ("210", 5_000, 5_000, nil),
            ("410", 2_000, 0, "{2000,4000,7000,9000,11000,13000,16000,19000}"), ("510", 0, 0, nil),
        ]
        for (scheme, employer, personal, byClass) in schemes {
            try tx.query(
                """
                INSERT INTO shebao.contribution_policy (region_code, scheme_code, valid_from, valid_to, employer_rate_ppm,
                    personal_rate_ppm, employer_rate_ppm_by_risk_class, average_wage_fen, base_floor_fen, base_ceiling_fen)
                VALUES ('320000', $1, to_date($5, 'YYYYMM'), NULL, $2, $3, $4::integer[], 750000, 450000, 2250000)
                """,
                [scheme, employer, personal, byClass, String(Self.policyFirstPeriod)]
            )
        }
    }

    // MARK: The review queue

    /// A registration with an enrolment below the base floor, an employer's registration and a
    /// change of phone number, made by the demo clerk and submitted: what the demo reviewer
    /// finds waiting.
    private func loadApplications(_ tx: PostgresConnection, office: Int64) throws -> Int {
        let clerk = try tx.query("SELECT id FROM shebao.operator WHERE username = 'clerk'").single()
            .decode(0, as: Int64.self)
        let employer = try tx.query(
            "SELECT id FROM shebao.employer WHERE office_id = $1 AND status = 'active' ORDER BY id LIMIT 1",
            [office]
        ).first?.decode(0, as: Int64.self)
        let person = try tx.query(
            "SELECT id, citizen_id FROM shebao.person WHERE office_id = $1 ORDER BY id LIMIT 1",
            [office]
        ).first.map { (id: try $0.decode(0, as: Int64.self), citizen: try $0.decode(1, as: String.self)) }
        var applications: [(String, PostgresJSON, Int64?)] = []
        // Beijing-born: no demo person (all Jiangsu) has this number.
        if let citizen = CitizenID.complete(body: "11010519880808123") {
            let registration = PersonRegistration(
                name: "赵六",
                citizenId: citizen,
                gender: "male",
                birthDate: "1988-08-08",
                phone: "13700001111",
                householdType: "urban",
                bankCardNumber: "6222021234567894",
                bankName: "中国工商银行",
                enrolments: employer.map {
                    [EnrolmentLine(schemeCode: "110", employerId: $0, startPeriod: 202612, declaredWageFen: 300_000)]
                }
            )
            applications.append(("person_registration", try PostgresJSON(encoding: registration), nil))
        }
        let body = "91320102MA1DEM001"
        if let check = CreditCode.checkCharacter(body: body) {
            let registration = EmployerRegistration(
                creditCode: body + String(check),
                name: "南京示范科技有限公司",
                industryCode: "I65",
                riskClass: 1,
                address: "南京市玄武区示范路 1 号",
                contactPhone: "025-84000000"
            )
            applications.append(("employer_registration", try PostgresJSON(encoding: registration), nil))
        }
        if let person {
            let change = PersonChange(citizenId: person.citizen, phone: "13900000000")
            applications.append(("person_change", try PostgresJSON(encoding: change), person.id))
        }
        for (type, payload, person) in applications {
            try tx.query(
                """
                INSERT INTO shebao.application (office_id, type, payload, person_id, maker_id, status, submitted_at)
                VALUES ($1, $2, $3::jsonb, $4, $5, 'submitted', now())
                """,
                [office, type, payload, person, clerk]
            )
        }
        self.progress("applications", applications.count, applications.count)
        return applications.count
    }

    // MARK: Employers and persons

    private func loadEmployers(_ tx: PostgresConnection, _ offices: [Office]) throws -> Int {
        let count = max(offices.count, self.options.persons / 25)
        let industries = ["C13", "C26", "E47", "F51", "G54", "H61", "I65", "J66", "K70", "M73"]
        let columns = "office_id, credit_code, name, industry_code, risk_class, address"
        try Self.copy(tx, table: "employer", columns: columns) { writer in
            for index in 0..<count {
                let office = offices[index % offices.count]
                let body = "91" + String(office.code.prefix(6)) + Self.base31(index, width: 9)
                let code = body + String(CreditCode.checkCharacter(body: body)!)
                try writer.append([
                    office.id, code, "\(Self.companyNames[index % Self.companyNames.count])\(index + 1)号公司",
                    industries[index % industries.count], index % 8 + 1, "江苏省\(office.code)路\(index % 300 + 1)号",
                ])
                if index % 10_000 == 0 { self.progress("employers", index, count) }
            }
        }
        self.progress("employers", count, count)
        return count
    }

    private func loadPersons(_ tx: PostgresConnection, _ offices: [Office]) throws -> Int {
        let total = self.options.persons
        var perRegion: [Substring: Int] = [:]
        let columns = """
            office_id, citizen_id, name, gender, birth_date, phone, address, household_type, ss_card_number, \
            bank_card_number, bank_name
            """
        try Self.copy(tx, table: "person", columns: columns) { writer in
            for index in 0..<total {
                let office = offices[index % offices.count]
                let region = office.code.prefix(6)
                let serial = perRegion[region, default: 0]
                perRegion[region] = serial + 1
                // Birth dates over 16,000 days from 1960 (day -3653 of the epoch); then the
                // sequence code, odd for men.
                let birth = PostgresDate(daysSinceEpoch: serial % 16_000 - 3653)
                let male = serial % 2 == 0
                let sequence = (serial / 16_000) * 2 + (male ? 1 : 0)
                precondition(sequence < 1000, "too many persons for one region code")
                let date = birth.description.filter { $0 != "-" }
                let body = String(region) + date + String(zeroPadded: sequence, width: 3)
                let citizen = body + String(CitizenID.checkCharacter(body: body)!)
                let payload = "622202" + String(zeroPadded: index, width: 12)
                let card = payload + String(Luhn.checkDigit(payload: payload)!)
                try writer.append([
                    office.id, citizen, Self.name(index), male ? "male" : "female", birth,
                    "1" + ["3", "5", "8", "9"][index % 4] + String(zeroPadded: index % 1_000_000_000, width: 9),
                    "江苏省\(office.code)小区\(index % 500 + 1)栋", index % 10 < 7 ? "urban" : "rural",
                    "J" + String(zeroPadded: index, width: 12), card, "中国工商银行",
                ])
                if index % 10_000 == 0 { self.progress("persons", index, total) }
            }
        }
        self.progress("persons", total, total)
        return total
    }

    /// COPY into a staging table, then one INSERT … SELECT: PostgreSQL refuses COPY FROM into a
    /// table whose row-level security applies to the copying role (the owner, here: the
    /// tables force it), while the INSERT passes the owner's policy. `table` and `columns` are
    /// constants of this file.
    private static func copy(
        _ tx: PostgresConnection,
        table: String,
        columns: String,
        _ rows: (inout CopyWriter) throws -> Void
    ) throws {
        try tx.execute(
            unsafeScript:
                "CREATE TEMPORARY TABLE \(table)_load ON COMMIT DROP AS SELECT \(columns) FROM shebao.\(table) WITH NO DATA"
        )
        try tx.copyFrom("COPY \(table)_load FROM STDIN", rows)
        try tx.execute(unsafeScript: "INSERT INTO shebao.\(table) (\(columns)) SELECT \(columns) FROM \(table)_load")
    }

    // MARK: Enrolments and history

    /// Urban persons work for an employer of their office: pension, unemployment, medical and
    /// injury (110, 210, 310, 410). Rural persons have the residents' schemes (170, 390).
    private func loadEnrolments(_ tx: PostgresConnection) throws -> Int {
        self.progress("enrolments", 0, 1)
        let enrolled = try tx.query(
            """
            WITH employer_number AS (
                SELECT id, office_id, row_number() OVER (PARTITION BY office_id ORDER BY id) AS n,
                    count(*) OVER (PARTITION BY office_id) AS total
                FROM shebao.employer
            ), person_employer AS (
                SELECT p.id, p.office_id, p.citizen_id, p.household_type, e.id AS employer_id
                FROM shebao.person p
                LEFT JOIN employer_number e ON e.office_id = p.office_id AND e.n = p.id % e.total + 1
            )
            INSERT INTO shebao.enrolment (office_id, person_id, citizen_id, scheme_code, employer_id, status, start_period)
            SELECT pe.office_id, pe.id, pe.citizen_id, s.code, CASE WHEN pe.household_type = 'urban' THEN pe.employer_id END,
                'active', $1
            FROM person_employer pe
            JOIN shebao.scheme s ON s.code = ANY (
                CASE WHEN pe.household_type = 'urban' AND pe.employer_id IS NOT NULL
                THEN ARRAY['110', '210', '310', '410'] ELSE ARRAY['170', '390'] END
            )
            """,
            [self.options.firstPeriod]
        ).affectedRows
        self.progress("enrolments", enrolled, enrolled)
        return enrolled
    }

    /// A year of pension contributions for employed persons: base declarations held to the
    /// policy's floor and ceiling, dues per month and party at the policy's rates (each line
    /// `shebao.contribution_amount`, half-up to the fen, §6.3), paid in full, the personal part
    /// credited to the account.
    private func loadHistory(_ tx: PostgresConnection) throws -> Int {
        self.progress("contributions", 0, 1)
        let year = self.options.firstPeriod / 100
        // The demo's policy is the province's (loadPolicy): every office's region begins with
        // the province's two digits. The bounds are those in force in the first month; the floor
        // wins if they cross, as in Contribution.compute.
        try tx.query(
            """
            INSERT INTO shebao.base_declaration (office_id, employer_id, person_id, year, declared_wage_fen, base_fen, status)
            SELECT e.office_id, e.employer_id, e.person_id, $1, w.wage,
                greatest(least(w.wage, p.base_ceiling_fen), p.base_floor_fen), 'approved'
            FROM shebao.enrolment e
            JOIN shebao.office o ON o.id = e.office_id
            JOIN shebao.contribution_policy p ON p.region_code = left(o.region_code, 2) || '0000'
                AND p.scheme_code = e.scheme_code
                AND daterange(p.valid_from, p.valid_to) @> make_date(($2 / 100)::integer, ($2 % 100)::integer, 1)
            CROSS JOIN LATERAL (SELECT 300000 + (e.person_id * 7919 % 2700000) AS wage) w
            WHERE e.scheme_code = '110' AND e.employer_id IS NOT NULL
            """,
            [year, self.options.firstPeriod]
        )
        let dues = try tx.query(
            """
            INSERT INTO shebao.contribution_due (office_id, person_id, employer_id, scheme_code, period, party, base_fen,
                rate_ppm, amount_fen, paid_fen, due_date)
            SELECT b.office_id, b.person_id, b.employer_id, p.scheme_code, m.period, r.party, b.base_fen, r.rate_ppm,
                a.amount_fen, a.amount_fen, make_date((m.period / 100)::integer, (m.period % 100)::integer, 15)
            FROM shebao.base_declaration b
            JOIN shebao.office o ON o.id = b.office_id
            CROSS JOIN LATERAL (
                SELECT ($2 / 100 + (($2 % 100 - 1 + k) / 12)) * 100 + ($2 % 100 - 1 + k) % 12 + 1 AS period
                FROM generate_series(0, 11) k
            ) m
            JOIN shebao.contribution_policy p ON p.region_code = left(o.region_code, 2) || '0000'
                AND p.scheme_code = '110'
                AND daterange(p.valid_from, p.valid_to) @> make_date((m.period / 100)::integer, (m.period % 100)::integer, 1)
            CROSS JOIN LATERAL (
                VALUES ('employer', p.employer_rate_ppm), ('personal', p.personal_rate_ppm)
            ) r (party, rate_ppm)
            CROSS JOIN LATERAL (SELECT shebao.contribution_amount(b.base_fen, r.rate_ppm) AS amount_fen) a
            WHERE b.year = $1
            """,
            [year, self.options.firstPeriod]
        ).affectedRows
        try tx.query(
            """
            INSERT INTO shebao.personal_account_entry (office_id, person_id, period, kind, amount_fen, due_id)
            SELECT d.office_id, d.person_id, d.period, 'contribution', d.amount_fen, d.id
            FROM shebao.contribution_due d WHERE d.party = 'personal' AND d.amount_fen > 0
            """
        )
        self.progress("contributions", dues, dues)
        return dues
    }

    // MARK: Names and numbers

    static let surnames = Array(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    )
    static let givenNames = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥")
    static let companyNames = ["金陵", "太湖", "长江", "运河", "钟山", "紫金", "江南", "苏北", "淮海", "东海"]

    static func name(_ index: Int) -> String {
        let surname = Self.surnames[index % Self.surnames.count]
        let first = Self.givenNames[(index / Self.surnames.count) % Self.givenNames.count]
        let second = Self.givenNames[(index / 7) % Self.givenNames.count]
        return index % 3 == 0 ? "\(surname)\(first)" : "\(surname)\(first)\(second)"
    }

    /// `value` in the credit code's 31 characters, `width` of them.
    static func base31(_ value: Int, width: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var rest = value
        var characters: [Character] = []
        for _ in 0..<width {
            characters.append(alphabet[rest % 31])
            rest /= 31
        }
        return String(characters.reversed())
    }
}

extension String {
    fileprivate init(zeroPadded value: Int, width: Int) {
        let digits = String(value)
        self = String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }

}
