internal import Postgres

/// The outbox's SQL. Every write after the claim names the lease it was granted (id, epoch and
/// holder) and that the row is still pending, so a holder whose lease passed to another
/// scheduler changes 0 rows.
enum OutboxStatements {
    /// $1 holder, $2 lease in milliseconds, $3 channel, $4 most rows.
    static let claim = PreparedStatement(
        """
        SELECT outbox_id, office, epoch \
        FROM shebao.outbox_claim($1, $2::bigint * interval '1 millisecond', $3, $4::integer)
        """
    )

    /// Extends the lease and reads the row: the first write of every attempt, fenced.
    /// $1 id, $2 epoch, $3 holder, $4 lease in milliseconds.
    static let touch = PreparedStatement(
        """
        UPDATE shebao.notification_outbox o SET lease_expires_at = now() + $4::bigint * interval '1 millisecond' \
        WHERE o.id = $1 AND o.lease_epoch = $2 AND o.lease_holder = $3 AND o.status = 'pending' \
        RETURNING o.channel, o.address, o.template, o.payload::text, o.attempts, o.person_id, o.operator_id, \
        coalesce((SELECT p.preferred_language FROM shebao.person p WHERE p.id = o.person_id), \
        (SELECT x.preferred_language FROM shebao.operator x WHERE x.id = o.operator_id), 'zh')
        """
    )

    /// The template's texts in the language, else in Chinese. $1 template, $2 language.
    static let template = PreparedStatement(
        """
        SELECT title, body FROM shebao.notification_template \
        WHERE template = $1 AND language IN ($2, 'zh') ORDER BY (language = $2) DESC LIMIT 1
        """
    )

    /// Delivered. $1 id, $2 epoch, $3 holder, $4 the status expected. Returns the seconds since
    /// the row was written.
    static let markSent = PreparedStatement(
        """
        UPDATE shebao.notification_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, \
        last_error = NULL, lease_holder = NULL, lease_expires_at = NULL \
        WHERE id = $1 AND lease_epoch = $2 AND lease_holder = $3 AND status = $4 \
        RETURNING extract(epoch FROM now() - created_at)::float8
        """
    )

    /// Tried again later. $1 id, $2 epoch, $3 holder, $4 error, $5 delay in milliseconds, $6 the
    /// status expected.
    static let markRetry = PreparedStatement(
        """
        UPDATE shebao.notification_outbox SET attempts = attempts + 1, last_error = left($4, 2000), \
        next_attempt_at = now() + $5::bigint * interval '1 millisecond', lease_holder = NULL, lease_expires_at = NULL \
        WHERE id = $1 AND lease_epoch = $2 AND lease_holder = $3 AND status = $6
        """
    )

    /// Given up: `failed` or `dead`. $1 id, $2 epoch, $3 holder, $4 error, $5 the new status, $6
    /// the status expected.
    static let markGivenUp = PreparedStatement(
        """
        UPDATE shebao.notification_outbox SET status = $5, attempts = attempts + 1, last_error = left($4, 2000), \
        lease_holder = NULL, lease_expires_at = NULL \
        WHERE id = $1 AND lease_epoch = $2 AND lease_holder = $3 AND status = $6
        """
    )

    static let backlog = PreparedStatement("SELECT channel, pending, oldest_seconds FROM shebao.outbox_backlog()")
}
