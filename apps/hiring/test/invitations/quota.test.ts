// The invitations quota (run it with DATABASE_URL for PostgreSQL's real concurrency): a create takes
// one per invitation for all of them or none; refused, nothing is created or mailed; and however many
// creates race on two instances of one deployment, the free tier's 25 per period are never passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHiringTestApp, type HiringTestApp } from '../support/hiring-client.js';
import { assessment, get, invite, rows, team } from './support.js';

let first: HiringTestApp;
let second: HiringTestApp;

beforeAll(async () => {
  first = await buildHiringTestApp();
  second = await buildHiringTestApp({}, { peerOf: first });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

const batch = (prefix: string, size: number) =>
  Array.from({ length: size }, (_, index) => ({ email: `${prefix}${index}@example.com` }));

async function invitationCount(organisationId: string): Promise<number> {
  const [row] = await rows(
    first,
    'select count(*)::int as n from hiring_assessment_invitations where organisation_id = $1',
    [organisationId],
  );
  return Number(row?.n);
}

async function mailCount(prefix: string): Promise<number> {
  const [row] = await rows(first, 'select count(*)::int as n from mail_outbox where recipient like $1', [
    `${prefix}%`,
  ]);
  return Number(row?.n);
}

describe('the invitations quota', () => {
  it('takes one per invitation, and refuses a batch that does not fit without creating any of it', async () => {
    const acme = await team(first, 'Quota Ltd');
    const assessmentId = await assessment(first, acme.organisationId);
    const twenty = await invite(first, acme.owner, acme.organisationId, assessmentId, {
      candidates: batch('q-a', 20),
    });
    expect(twenty.statusCode).toBe(201);
    expect(twenty.json().quota).toMatchObject({ used: 20, limit: 25 });

    const tooMany = await invite(first, acme.owner, acme.organisationId, assessmentId, {
      candidates: batch('q-b', 6),
    });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().code).toBe('invitation_quota_reached');
    expect(tooMany.json().detail).toContain('25');
    expect(await invitationCount(acme.organisationId)).toBe(20);
    expect(await mailCount('q-b')).toBe(0);

    const billing = await get(first, acme.owner, `/organisations/${acme.organisationId}/billing`);
    expect(billing.json().usage.invitations).toEqual({ used: 20, limit: 25 });

    const five = await invite(first, acme.owner, acme.organisationId, assessmentId, {
      candidates: batch('q-c', 5),
    });
    expect(five.statusCode).toBe(201);
    expect(five.json().quota).toMatchObject({ used: 25, limit: 25 });
    const one = await invite(first, acme.owner, acme.organisationId, assessmentId, {
      candidates: batch('q-d', 1),
    });
    expect(one.statusCode).toBe(409);
  });

  it('gives the quota back when the create fails after taking it', async () => {
    const acme = await team(first, 'Refund Ltd');
    const assessmentId = await assessment(first, acme.organisationId);
    // A competing invitation for the same email lands right after this create takes its quota (a
    // trigger on the quota row stands in for a create racing on another instance), so the
    // live-invitation index refuses the insert after the pre-check passed; the quota is given back.
    const name = `competitor_${acme.organisationId.replaceAll('-', '')}`;
    await rows(
      first,
      `create function ${name}() returns trigger language plpgsql as $body$
       begin
         if new.organisation_id = '${acme.organisationId}' and new.metric = 'invitations'
            and (tg_op = 'INSERT' or new.used > old.used) then
           insert into hiring_assessment_invitations (organisation_id, assessment_id, email, token_hash,
             token_issued_at, valid_hours, expires_at, attempts_limit, created_at, last_sent_at)
           values (new.organisation_id, '${assessmentId}', 'same@example.com',
             encode(sha256(gen_random_uuid()::text::bytea), 'hex'), now(), 1, now() + interval '1 hour', 1, now(), now())
           on conflict do nothing;
         end if;
         return new;
       end $body$`,
    );
    await rows(
      first,
      `create trigger ${name} after insert or update on hiring_usage for each row execute function ${name}()`,
    );
    try {
      const response = await invite(first, acme.owner, acme.organisationId, assessmentId, {
        candidates: [{ email: 'same@example.com' }],
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('invitation_exists');
    } finally {
      await rows(first, `drop trigger ${name} on hiring_usage`);
      await rows(first, `drop function ${name}()`);
    }
    const [usage] = await rows(
      first,
      "select used from hiring_usage where organisation_id = $1 and metric = 'invitations'",
      [acme.organisationId],
    );
    expect(usage?.used).toBe(0);
    expect(await invitationCount(acme.organisationId)).toBe(1);
    const [mails] = await rows(
      first,
      "select count(*)::int as n from mail_outbox where recipient = 'same@example.com'",
    );
    expect(Number(mails?.n)).toBe(0);
  });

  it('never passes the limit when creates race on two instances', async () => {
    const acme = await team(first, 'Racing Ltd');
    const assessmentId = await assessment(first, acme.organisationId);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        invite(index % 2 === 0 ? first : second, acme.recruiter, acme.organisationId, assessmentId, {
          candidates: batch(`race${index}-`, 4),
        }),
      ),
    );
    const created = responses.filter((response) => response.statusCode === 201);
    const refused = responses.filter((response) => response.statusCode === 409);
    expect(created).toHaveLength(6);
    expect(refused).toHaveLength(2);
    for (const response of refused) expect(response.json().code).toBe('invitation_quota_reached');
    expect(await invitationCount(acme.organisationId)).toBe(24);
    const [usage] = await rows(
      first,
      "select used from hiring_usage where organisation_id = $1 and metric = 'invitations'",
      [acme.organisationId],
    );
    expect(usage?.used).toBe(24);
  });
});
