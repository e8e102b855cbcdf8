// The circuit breaker with the fake clock: it opens after consecutive outages only (a "not found"
// answer is not one), fails fast without calling the dependency while open, lets exactly one trial
// through after the open period, and closes or re-opens on that trial's outcome.
import { describe, expect, it } from 'vitest';
import { CircuitOpenError, type CircuitState, createCircuitBreaker } from '../../src/net/index.js';
import { createFakeClock } from '../../src/testing/clock.js';

class Outage extends Error {}
class NotFound extends Error {}

function setup(options: { failureThreshold?: number; openMs?: number } = {}) {
  const clock = createFakeClock();
  const changes: CircuitState[] = [];
  let calls = 0;
  const breaker = createCircuitBreaker({
    name: 'provider',
    clock,
    ...options,
    isFailure: (error) => error instanceof Outage,
    onStateChange: (state) => changes.push(state),
  });
  const call = (outcome: 'ok' | 'outage' | 'not_found') =>
    breaker.run(async () => {
      calls += 1;
      if (outcome === 'outage') throw new Outage('down');
      if (outcome === 'not_found') throw new NotFound('missing');
      return 'answer';
    });
  const fail = async (times: number) => {
    for (let index = 0; index < times; index += 1)
      await expect(call('outage')).rejects.toBeInstanceOf(Outage);
  };
  return { clock, breaker, call, fail, changes, calls: () => calls };
}

describe('circuit breaker', () => {
  it('passes answers and errors through while closed', async () => {
    const { breaker, call } = setup();
    await expect(call('ok')).resolves.toBe('answer');
    await expect(call('not_found')).rejects.toBeInstanceOf(NotFound);
    expect(breaker.state()).toBe('closed');
    expect(breaker.retryAfterSeconds()).toBe(0);
  });

  it('opens after the threshold of consecutive outages and then fails fast without calling', async () => {
    const { breaker, call, fail, calls, changes } = setup({ failureThreshold: 3, openMs: 10_000 });
    await fail(2);
    expect(breaker.state()).toBe('closed');
    await fail(1);
    expect(breaker.state()).toBe('open');
    expect(changes).toEqual(['open']);

    const refused = await call('ok').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).breaker).toBe('provider');
    expect((refused as CircuitOpenError).retryAfterSeconds).toBe(10);
    expect(calls()).toBe(3);
  });

  it('counts only consecutive outages: a success or a non-outage error resets the count', async () => {
    const { breaker, call, fail } = setup({ failureThreshold: 3 });
    await fail(2);
    await call('ok');
    await fail(2);
    await expect(call('not_found')).rejects.toBeInstanceOf(NotFound);
    await fail(2);
    expect(breaker.state()).toBe('closed');
    await fail(1);
    expect(breaker.state()).toBe('open');
  });

  it('tells how long is left while open, never less than a second', async () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 1, openMs: 30_000 });
    await fail(1);
    expect(breaker.retryAfterSeconds()).toBe(30);
    clock.advance(12_500);
    expect(breaker.retryAfterSeconds()).toBe(18);
    clock.advance(17_000);
    expect(breaker.retryAfterSeconds()).toBe(1);
    expect(breaker.state()).toBe('open');
  });

  it('after the open period lets one trial through, and closes when it succeeds', async () => {
    const { clock, breaker, call, fail, calls, changes } = setup({ failureThreshold: 2, openMs: 5_000 });
    await fail(2);
    clock.advance(5_000);
    expect(breaker.state()).toBe('half_open');
    expect(breaker.retryAfterSeconds()).toBe(1);
    await expect(call('ok')).resolves.toBe('answer');
    expect(breaker.state()).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
    expect(calls()).toBe(3);
  });

  it('re-opens for a whole new period when the trial fails', async () => {
    const { clock, breaker, call, fail } = setup({ failureThreshold: 2, openMs: 5_000 });
    await fail(2);
    clock.advance(6_000);
    await fail(1);
    expect(breaker.state()).toBe('open');
    expect(breaker.retryAfterSeconds()).toBe(5);
    clock.advance(4_999);
    await expect(call('ok')).rejects.toBeInstanceOf(CircuitOpenError);
    clock.advance(1);
    await expect(call('ok')).resolves.toBe('answer');
  });

  it('a trial answered with a non-outage error proves the dependency is up and closes the circuit', async () => {
    const { clock, breaker, call, fail } = setup({ failureThreshold: 1, openMs: 1_000 });
    await fail(1);
    clock.advance(1_000);
    await expect(call('not_found')).rejects.toBeInstanceOf(NotFound);
    expect(breaker.state()).toBe('closed');
  });

  it('while the trial is in flight, concurrent calls fail fast', async () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 1, openMs: 1_000 });
    await fail(1);
    clock.advance(1_000);
    let finishTrial: (value: string) => void = () => {};
    const trial = breaker.run(() => new Promise<string>((resolve) => (finishTrial = resolve)));
    let concurrentCalls = 0;
    const concurrent = await Promise.allSettled(
      [1, 2, 3].map(() => breaker.run(async () => (concurrentCalls += 1))),
    );
    expect(concurrent.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(concurrentCalls).toBe(0);
    expect(breaker.state()).toBe('half_open');
    finishTrial('done');
    await expect(trial).resolves.toBe('done');
    expect(breaker.state()).toBe('closed');
  });

  it('a slow call admitted while closed does not disturb the circuit once it has opened', async () => {
    const { breaker, fail } = setup({ failureThreshold: 2, openMs: 1_000 });
    let failSlow: (error: Error) => void = () => {};
    const slow = breaker.run(() => new Promise((_resolve, reject) => (failSlow = reject)));
    await fail(2);
    expect(breaker.state()).toBe('open');
    failSlow(new Outage('late'));
    await expect(slow).rejects.toBeInstanceOf(Outage);
    expect(breaker.state()).toBe('open');
    expect(breaker.retryAfterSeconds()).toBe(1);
  });

  it('refuses a threshold or an open period that makes no sense', () => {
    const clock = createFakeClock();
    expect(() => createCircuitBreaker({ name: 'x', clock, failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => createCircuitBreaker({ name: 'x', clock, openMs: 0 })).toThrow(/openMs/);
  });
});
