-- A run's lines are written and settled a million at a time, and PostgreSQL checks each
-- foreign key row by row. The obligation, the attempt and the return line therefore refer to
-- what they copy in one composite key each, which checks more than the single-column keys did
-- (the attempt's benefit, person and office are its obligation's; its office is its run's; a
-- return line's run and office are its file's) with fewer look-ups per line.

-- The obligation's benefit, person and office are the benefit's (neither of the two changes).
CREATE UNIQUE INDEX benefit_identity ON shebao.benefit (id, person_id, office_id);
ALTER TABLE shebao.payment_obligation
    DROP CONSTRAINT payment_obligation_office_id_fkey,
    DROP CONSTRAINT payment_obligation_person_id_fkey,
    DROP CONSTRAINT payment_obligation_benefit_id_fkey,
    ADD CONSTRAINT payment_obligation_benefit_fkey FOREIGN KEY (benefit_id, person_id, office_id)
        REFERENCES shebao.benefit (id, person_id, office_id),
    ADD CONSTRAINT payment_obligation_identity UNIQUE (id, benefit_id, person_id, office_id);

-- The attempt's benefit, person and office are its obligation's, and its office is its run's.
-- Its bank code is the benefit's at the time of the run (the benefit's own key checks it); the
-- export checks that the batches hold every line of the run.
ALTER TABLE shebao.disbursement_run ADD CONSTRAINT disbursement_run_identity UNIQUE (id, office_id);
ALTER TABLE shebao.payment_attempt
    DROP CONSTRAINT payment_attempt_office_id_fkey,
    DROP CONSTRAINT payment_attempt_benefit_id_fkey,
    DROP CONSTRAINT payment_attempt_person_id_fkey,
    DROP CONSTRAINT payment_attempt_bank_code_fkey,
    DROP CONSTRAINT payment_attempt_run_id_fkey,
    DROP CONSTRAINT payment_attempt_obligation_id_fkey,
    ADD CONSTRAINT payment_attempt_obligation_fkey FOREIGN KEY (obligation_id, benefit_id, person_id, office_id)
        REFERENCES shebao.payment_obligation (id, benefit_id, person_id, office_id),
    ADD CONSTRAINT payment_attempt_run_fkey FOREIGN KEY (run_id, office_id)
        REFERENCES shebao.disbursement_run (id, office_id);

-- A settled attempt's return file is of its run; so is a return line's, and the line's office.
ALTER TABLE shebao.bank_file ADD CONSTRAINT bank_file_identity UNIQUE (id, run_id, office_id);
ALTER TABLE shebao.payment_attempt
    DROP CONSTRAINT payment_attempt_return_file_id_fkey,
    ADD CONSTRAINT payment_attempt_return_file_fkey FOREIGN KEY (return_file_id, run_id, office_id)
        REFERENCES shebao.bank_file (id, run_id, office_id);
ALTER TABLE shebao.return_line
    DROP CONSTRAINT return_line_file_id_fkey,
    DROP CONSTRAINT return_line_office_id_fkey,
    DROP CONSTRAINT return_line_run_id_fkey,
    ADD CONSTRAINT return_line_file_fkey FOREIGN KEY (file_id, run_id, office_id)
        REFERENCES shebao.bank_file (id, run_id, office_id);

-- Obligations, attempts and return lines are read by benefit, by run, by file or by the failed
-- and quarantined lines' indexes, never by office alone: the office index the scope procedure
-- adds is only written.
DROP INDEX shebao.payment_attempt_office_id_idx;
DROP INDEX shebao.payment_obligation_office_id_idx;
DROP INDEX shebao.return_line_office_id_idx;

-- The outbox's wake-up once per statement and channel instead of once per row: an import page
-- queues ten thousand messages in one statement.
DROP TRIGGER outbox_notify ON shebao.notification_outbox;
CREATE OR REPLACE FUNCTION shebao.outbox_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = shebao, pg_catalog AS $$
BEGIN
    PERFORM pg_notify('shebao_outbox', c.channel) FROM (SELECT DISTINCT channel FROM inserted) c;
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON shebao.notification_outbox
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION shebao.outbox_notify();
