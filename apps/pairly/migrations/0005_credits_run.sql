-- A keyed operation that only posts legs (add, deduct, transfer, message charge) in ONE statement:
-- claim the client key, post the legs, record the outcome. Run in autocommit it needs no BEGIN or
-- COMMIT round trips, and the account rows stay locked only while the server runs it (measured in
-- bench/ledger: the same operation as three statements in a transaction reached 0.45 of a bare
-- SQL transfer; see docs/benchmarks.md).
-- Returns {"replayed": true, "operationId", "requestHash", "status", "response"} when the key was
-- already used (the caller compares the hash), or {"replayed": false, "operationId", "status",
-- "response"} where response is credits_post's answer. A refusal for insufficient credits is
-- recorded under the key like a success. A frozen account (PF423: a state staff lift, after which
-- the same request should go through), an unknown account (23503) or a grant expiring in the past
-- (22023) raise, so nothing, not even the key, is kept.
CREATE FUNCTION credits_run(p_id uuid, p_scope text, p_key text, p_operation text, p_hash text,
                            p_legs jsonb, p_at timestamptz, p_status integer) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_stored record;
  v_result jsonb;
  v_status integer;
BEGIN
  INSERT INTO credit_operations (id, scope, idempotency_key, operation, request_hash, created_at)
    VALUES (p_id, p_scope, p_key, p_operation, p_hash, p_at)
    ON CONFLICT (scope, idempotency_key) DO NOTHING;
  IF NOT FOUND THEN
    SELECT id, request_hash, status, response INTO v_stored
      FROM credit_operations WHERE scope = p_scope AND idempotency_key = p_key;
    RETURN jsonb_build_object('replayed', true, 'operationId', v_stored.id, 'requestHash', v_stored.request_hash,
                              'status', v_stored.status, 'response', v_stored.response);
  END IF;
  -- Checked once the key is known to be new: a replay after the date still gets the first result.
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_legs) leg WHERE (leg ->> 'expiresAt')::timestamptz <= p_at) THEN
    RAISE EXCEPTION 'credits_run: expiresAt is not in the future' USING errcode = 'invalid_parameter_value';
  END IF;
  v_result := credits_post(p_legs, p_id, p_at);
  CASE v_result ->> 'outcome'
    WHEN 'applied' THEN v_status := p_status;
    WHEN 'insufficient' THEN v_status := 402;
    WHEN 'frozen' THEN
      RAISE EXCEPTION 'credits_run: account frozen' USING errcode = 'PF423';
    ELSE
      RAISE EXCEPTION 'credits_run: unknown account' USING errcode = 'foreign_key_violation';
  END CASE;
  UPDATE credit_operations SET status = v_status, response = v_result WHERE id = p_id;
  RETURN jsonb_build_object('replayed', false, 'operationId', p_id, 'status', v_status, 'response', v_result);
END
$$;
