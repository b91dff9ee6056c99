-- One line of a contribution, one scheme × one party × one month, for set-based SQL (the demo's
-- history, the monthly assessment): the base times the rate in parts per million, rounded
-- half-up to the fen, half away from zero when the product is negative (domain-rules §6.3).
-- It is Domain's Money.amount(baseFen:ratePPM:) to the fen, and ContributionAmountTests holds
-- the two together; change both or neither.
SET LOCAL ROLE shebao_owner;

-- The product is numeric, so no base × rate overflows on the way; only an amount beyond bigint
-- is refused (22003), where Domain stops on a precondition. The sign is applied after the
-- magnitude is cast, so the magnitude must fit as Domain's must. One expression, no SET and
-- not STRICT: the planner inlines it into the statement that calls it.
CREATE FUNCTION shebao.contribution_amount(base_fen bigint, rate_ppm integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN (base_fen < 0) <> (rate_ppm < 0) THEN -1 ELSE 1 END
        * div(abs(base_fen::numeric * rate_ppm) + 500000, 1000000)::bigint
$$;
GRANT EXECUTE ON FUNCTION shebao.contribution_amount(bigint, integer) TO shebao_app;
