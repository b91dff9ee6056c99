public import Postgres

/// Pensioners for disbursement tests, generated set-based in SQL: persons with valid citizen IDs
/// (ISO 7064 MOD 11-2 check character) and bank cards (Luhn), each with an active basic pension
/// from 2024-01, banks alternating between ICBC and BOC. Deterministic from the numbers, so that
/// two loads with the same numbers give the same persons.
public enum Pensioners {
    /// Inserts persons numbered `first..<first+count` at `office` (region `region`, six digits)
    /// with a basic pension of 3,000 yuan plus 10 yuan times the number modulo 7 each.
    ///
    /// - Returns: how many benefits were inserted.
    @discardableResult
    public static func load(
        _ count: Int,
        first: Int = 0,
        office: Int64,
        region: String = "320102",
        on connection: PostgresConnection
    ) throws -> Int {
        try connection.query(Self.insert, [first, count, office, region]).affectedRows
    }

    static let insert = """
        WITH n AS (SELECT g AS i FROM generate_series($1::integer, $1::integer + $2::integer - 1) g), \
        bodies AS (SELECT i, $4::text || to_char(date '1950-01-01' + (i / 1000), 'YYYYMMDD') \
        || lpad((i % 1000)::text, 3, '0') AS body, '622202' || lpad(i::text, 12, '0') AS card FROM n), \
        ids AS (SELECT i, body || substr('10X98765432', (SELECT sum(substr(body, k, 1)::integer \
        * (ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])[k]) FROM generate_series(1, 17) k)::integer \
        % 11 + 1, 1) AS citizen, card || ((10 - (SELECT sum(CASE WHEN k % 2 = 1 THEN \
        (CASE WHEN substr(card, 19 - k, 1)::integer * 2 > 9 THEN substr(card, 19 - k, 1)::integer * 2 - 9 \
        ELSE substr(card, 19 - k, 1)::integer * 2 END) ELSE substr(card, 19 - k, 1)::integer END) \
        FROM generate_series(1, 18) k) % 10) % 10)::text AS card FROM bodies), \
        persons AS (INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type, \
        bank_card_number) SELECT $3::bigint, citizen, '测试' || i::text, \
        CASE WHEN substr(citizen, 17, 1)::integer % 2 = 1 THEN 'male' ELSE 'female' END, \
        to_date(substr(citizen, 7, 8), 'YYYYMMDD'), 'urban', card FROM ids ORDER BY i RETURNING id, citizen_id) \
        INSERT INTO shebao.benefit (office_id, person_id, scheme_code, kind, monthly_amount_fen, start_period, \
        bank_card_number, bank_code) \
        SELECT $3::bigint, p.id, '110', 'basic_pension', 300000 + (ids.i % 7) * 1000, 202401, ids.card, \
        CASE WHEN ids.i % 2 = 0 THEN 'ICBC' ELSE 'BOC' END FROM ids JOIN persons p ON p.citizen_id = ids.citizen \
        ORDER BY ids.i
        """
}
