-- A payout being sent is claimed until send_claimed_until: the claim is taken by one conditional
-- update (status approved, no live claim) before the provider is called and cleared when its answer
-- is recorded, so the retry job and finance approving again never send one payout at the same time,
-- and finance does not confirm a payout whose send is in flight. A process that dies mid-send leaves
-- a claim that lapses on its own, after which the payout is sent again with the same key.
ALTER TABLE payouts ADD COLUMN send_claimed_until timestamptz;
