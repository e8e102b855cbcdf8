// Measures the cost of the submit path of an assessment attempt: POST /assessment-attempts/{id}/submit
// on an attempt of 40 questions (24 choice, 16 text) with every answer saved, through the whole app
// (fastify, the attempt-token check, the conditional claim, grading every question with the
// deterministic scorer, the grades, totals and invitation written in one transaction). The baseline,
// measured in the same process on the same attempts, is GET /assessment-attempts/{id} (token check,
// version and answers read, the candidate view built): the figure is how many reads one submit costs.
// Embedded (PGlite in memory) by default; DATABASE_URL points it at PostgreSQL.
// Run: node --conditions=source --import tsx bench/assessments/submit.ts [--attempts N]
import { parseArgs } from 'node:util';
import { createHiringApp } from '../../apps/hiring/src/app.js';
import { newToken } from '../../apps/hiring/src/modules/invitations/tokens.js';
import { buildTestApp } from '../../packages/platform/src/testing/test-app.js';

const { values } = parseArgs({ options: { attempts: { type: 'string', default: '40' } } });
const ATTEMPTS = Math.max(5, Number(values.attempts));

function questions() {
  const list = [];
  for (let index = 0; index < 40; index++) {
    if (index % 5 < 3) {
      list.push({
        id: `q${index}`,
        kind: index % 2 === 0 ? 'single_choice' : 'multiple_choice',
        prompt: `Choice question ${index}`,
        points: 2,
        choices: [
          { id: 'a', text: 'First', correct: true },
          { id: 'b', text: 'Second', correct: index % 2 === 1 },
          { id: 'c', text: 'Third', correct: false },
          { id: 'd', text: 'Fourth', correct: false },
        ],
      });
    } else {
      list.push({
        id: `q${index}`,
        kind: 'long_text',
        prompt: `Explain topic ${index}`,
        points: 5,
        rubric: 'Mentions indexes, locks and transactions.',
        referenceAnswer: 'Indexes speed reads; locks and transactions keep writes consistent.',
        keywords: [
          { term: 'index|indexes', weight: 0.4 },
          { term: 'lock|locks', weight: 0.3 },
          { term: 'transaction|transactions', weight: 0.3 },
        ],
        maxAnswerLength: 5000,
      });
    }
  }
  return list;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { mean, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
};
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main() {
  const t = await buildTestApp(createHiringApp({ hasher: { memoryKiB: 1024, iterations: 1 } }));
  try {
    const signup = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: {
        email: 'bench-owner@example.com',
        password: 'correct horse battery staple 42',
        role: 'employer',
      },
    });
    const headers = { authorization: `Bearer ${signup.json().accessToken}` };
    const organisationId = (
      await t.app.inject({ method: 'POST', url: '/organisations', headers, payload: { name: 'Bench Ltd' } })
    ).json().id;
    const created = await t.app.inject({
      method: 'POST',
      url: `/organisations/${organisationId}/assessments`,
      headers,
      payload: { title: 'Bench', sections: [{ title: 'All', questions: questions() }], timeLimitMinutes: 60 },
    });
    const assessmentId = created.json().id;
    await t.app.inject({
      method: 'POST',
      url: `/organisations/${organisationId}/assessments/${assessmentId}/publish`,
      headers,
    });

    const attempts: Array<{ id: string; token: string }> = [];
    for (let index = 0; index < ATTEMPTS; index++) {
      const { token, hash } = newToken();
      const now = t.clock.now();
      await t.db.executeSql(
        `insert into hiring_assessment_invitations (organisation_id, assessment_id, email, token_hash, token_issued_at,
           status, valid_hours, expires_at, attempts_limit, created_at, last_sent_at)
         values ($1, $2, $3, $4, $5, 'pending', 24, $6, 1, $5, $5)`,
        [
          organisationId,
          assessmentId,
          `c${index}@example.com`,
          hash,
          now,
          new Date(now.getTime() + 86_400_000),
        ],
      );
      const started = (
        await t.app.inject({ method: 'POST', url: `/assessment-invites/${token}/start` })
      ).json();
      const attempt = { id: started.id as string, token: started.attemptToken as string };
      for (const question of questions()) {
        // Ten saves a second per attempt are allowed: the clock moves a second every ten saves.
        if (Number(question.id.slice(1)) % 10 === 0) t.clock.advance(1000);
        const saved = await t.app.inject({
          method: 'PUT',
          url: `/assessment-attempts/${attempt.id}/answers/${question.id}`,
          headers: { 'x-attempt-token': attempt.token },
          payload: question.choices
            ? { choiceIds: ['a'] }
            : { text: 'Indexes speed reads and transactions keep writes consistent. '.repeat(8) },
        });
        if (saved.statusCode !== 200) throw new Error(`save: ${saved.statusCode} ${saved.body}`);
      }
      attempts.push(attempt);
    }

    const reads: number[] = [];
    const submits: number[] = [];
    for (const attempt of attempts) {
      const headersOf = { 'x-attempt-token': attempt.token };
      let start = performance.now();
      const read = await t.app.inject({
        method: 'GET',
        url: `/assessment-attempts/${attempt.id}`,
        headers: headersOf,
      });
      reads.push(performance.now() - start);
      start = performance.now();
      const submitted = await t.app.inject({
        method: 'POST',
        url: `/assessment-attempts/${attempt.id}/submit`,
        headers: headersOf,
      });
      submits.push(performance.now() - start);
      if (read.statusCode !== 200 || submitted.json().status !== 'scored') {
        throw new Error(`unexpected answer: ${read.statusCode} ${submitted.body.slice(0, 200)}`);
      }
    }
    // The first few warm the JIT and the database's caches.
    const warm = Math.min(3, Math.floor(ATTEMPTS / 5));
    const read = summary(reads.slice(warm));
    const submit = summary(submits.slice(warm));
    const database = t.db.kind;
    console.log(`assessment submit path (${database}, 40 questions, ${ATTEMPTS - warm} attempts measured)`);
    console.log(`  GET attempt (baseline): mean ${ms(read.mean)}  p50 ${ms(read.p50)}  p99 ${ms(read.p99)}`);
    console.log(
      `  POST submit:            mean ${ms(submit.mean)}  p50 ${ms(submit.p50)}  p99 ${ms(submit.p99)}`,
    );
    console.log(
      `  submit / read (p50):    ${(submit.p50 / read.p50).toFixed(2)}x; ${Math.round(1000 / submit.mean)} submits/s on one connection`,
    );
  } finally {
    await t.close();
  }
}

await main();
