import Postgres

extension DemoData {
    /// The banks the demo benefits are paid through, in turn (`shebao.bank`'s codes).
    static let benefitBanks = ["ICBC", "BOC", "CCB"]

    /// How many of each odd case (suspended, ended, starting next month) come beside `active`
    /// payable pensions: a twentieth of them, at least one and at most twenty.
    static func oddBenefits(beside active: Int) -> Int {
        active == 0 ? 0 : min(max(active / 20, 1), 20)
    }

    /// Basic pensions, set-based: ``Options/benefits`` active ones paid from before this month,
    /// and a few suspended, ended and starting next month. Then the schedule of every office
    /// that has benefits: basic pensions on the 15th.
    ///
    /// Persons are taken in order, those of retirement age (the region's policy, 60 for men and
    /// 50 for women by default) first, each by id, so the pensioners spread over the offices as
    /// the persons do. The active ones come first; the odd ones only from persons of retirement
    /// age left over, so a load that asks for as many benefits as persons has none. Past the
    /// persons of retirement age (scale data only), younger persons get a pension too, from
    /// last month. Everything else is a function of the place in that order: the amount (1,500
    /// to 6,000 yuan), the bank (ICBC, BOC and CCB in turn, shifted every third so that no odd
    /// case keeps to one bank); the card is the person's own.
    ///
    /// - Returns: the benefits and the schedules added.
    func loadBenefits(_ tx: PostgresConnection) throws -> (benefits: Int, schedules: Int) {
        let active = self.options.benefitCount
        let odd = Self.oddBenefits(beside: active)
        self.progress("benefits", 0, active + 3 * odd)
        let benefits = try tx.query(
            """
            WITH ages AS MATERIALIZED (
                SELECT shebao.policy_value('320000', 'retirement_age_male', shebao.today()) AS male,
                    shebao.policy_value('320000', 'retirement_age_female', shebao.today()) AS female,
                    shebao.today() AS today
            ), ranked AS (
                SELECT p.id, p.office_id, p.bank_card_number, r.retired_on, r.retired_on <= a.today AS of_age,
                    row_number() OVER (ORDER BY r.retired_on > a.today, p.id) AS k
                FROM shebao.person p CROSS JOIN ages a
                CROSS JOIN LATERAL (
                    SELECT (p.birth_date + make_interval(years => CASE p.gender WHEN 'male' THEN a.male ELSE a.female END))::date
                        AS retired_on
                ) r
                WHERE p.bank_card_number IS NOT NULL
            ), periods AS (
                SELECT shebao.period_of(now() - interval '1 month') AS last, shebao.period_of(now() + interval '1 month') AS next,
                    date_trunc('month', shebao.today())::date AS month_start
            ), chosen AS (
                SELECT r.*, CASE WHEN r.k <= $1 THEN 'active' ELSE (ARRAY['suspended', 'ended', 'later'])[((r.k - $1 - 1) % 3 + 1)::integer] END
                    AS odd
                FROM ranked r
                WHERE r.k <= $1 OR (r.k <= $1 + 3 * $2 AND r.of_age)
            )
            INSERT INTO shebao.benefit (office_id, person_id, scheme_code, kind, monthly_amount_fen, start_period, end_period,
                bank_code, bank_card_number, status, status_reason, status_changed_on)
            SELECT c.office_id, c.id, '110', 'basic_pension', 150000 + c.k * 104729 % 450001,
                CASE WHEN c.odd = 'later' THEN p.next ELSE least(shebao.period_of(c.retired_on::timestamptz), p.last) END,
                CASE WHEN c.odd = 'ended' THEN p.last END,
                ($3::text[])[((c.k + c.k / 3) % 3 + 1)::integer], c.bank_card_number,
                CASE c.odd WHEN 'suspended' THEN 'suspended' WHEN 'ended' THEN 'ended' ELSE 'active' END,
                CASE c.odd WHEN 'suspended' THEN '未按期完成年度待遇领取资格认证' WHEN 'ended' THEN '待遇领取人死亡' END,
                CASE WHEN c.odd IN ('suspended', 'ended') THEN p.month_start END
            FROM chosen c CROSS JOIN periods p
            """,
            [active, odd, Self.benefitBanks]
        ).affectedRows
        self.progress("benefits", benefits, benefits)
        let schedules = try tx.query(
            """
            INSERT INTO shebao.disbursement_schedule (office_id, benefit_kind, day_of_month)
            SELECT DISTINCT office_id, 'basic_pension', 15 FROM shebao.benefit ORDER BY office_id
            """
        ).affectedRows
        return (benefits, schedules)
    }
}
