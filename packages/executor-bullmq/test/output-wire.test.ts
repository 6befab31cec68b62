/**
 * A job's output split between its stream and its outcome, against a real redis-server: what the
 * worker ships, and what the orchestrator accepts back from an outcome.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogTail } from '../src/log-tail.js';
import { OUTCOME_OUTPUT_MAX, OutputShipper, takeOutputEnd } from '../src/output-wire.js';
import { startRedis, type TestRedis } from './redis-server.js';

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

function logFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'nova-output-')), 'T-01.log');
  writeFileSync(file, '');
  return file;
}

async function entries(stream: string): Promise<[string, string][]> {
  const rows = (await redis.xrange(stream, '-', '+')) as [string, string[]][];
  return rows.map(([id, fields]) => [id, fields[1]!]);
}

/** The wire fields as the orchestrator reads them back after a JSON round trip. */
function roundTrip(wire: Record<string, unknown>) {
  return takeOutputEnd(JSON.parse(JSON.stringify({ ok: true, ...wire })));
}

describe('OutputShipper', () => {
  it('streams output while the agent runs and carries a small rest in the outcome', async () => {
    const file = logFile();
    const stream = 'test:log:carried';
    const shipper = new OutputShipper(redis, stream, new LogTail(file));
    appendFileSync(file, 'first\n');
    await shipper.ship();
    appendFileSync(file, 'last\n');
    await shipper.ship(true);
    const streamed = await entries(stream);
    expect(streamed.map(([, d]) => d)).toEqual(['first\n']);
    const { outcome, end } = roundTrip(shipper.wire());
    expect(outcome).toEqual({ ok: true });
    expect(end?.last).toBe(streamed[0]![0]);
    expect(end?.tail?.toString()).toBe('last\n');
  });

  it('says it added nothing when all the output fits in the outcome', async () => {
    const file = logFile();
    const stream = 'test:log:none';
    const shipper = new OutputShipper(redis, stream, new LogTail(file));
    appendFileSync(file, Buffer.from([0, 255, 10]));
    await shipper.ship(true);
    expect(await redis.exists(stream)).toBe(0);
    const { end } = roundTrip(shipper.wire());
    expect(end?.last).toBe('');
    expect([...(end?.tail ?? [])]).toEqual([0, 255, 10]);
  });

  it('streams a large rest as before, and the outcome names its last entry', async () => {
    const file = logFile();
    const stream = 'test:log:large';
    const shipper = new OutputShipper(redis, stream, new LogTail(file));
    appendFileSync(file, 'x'.repeat(OUTCOME_OUTPUT_MAX + 1));
    await shipper.ship(true);
    const streamed = await entries(stream);
    expect(streamed.map(([, d]) => d.length)).toEqual([OUTCOME_OUTPUT_MAX + 1]);
    const { end } = roundTrip(shipper.wire());
    expect(end).toEqual({ last: streamed[0]![0], tail: null });
  });
});

describe('takeOutputEnd', () => {
  it('strips the fields and ignores values it cannot trust (the stream is read instead)', () => {
    const hostile: Record<string, unknown>[] = [
      {},
      { outputLast: 5 },
      { outputLast: '0-0; DEL x' },
      { outputLast: '1-0', outputTail: 42 },
      { outputLast: '1-0', outputTail: 'not base64!' },
      { outputLast: '1-0', outputTail: 'A'.repeat(Math.ceil(OUTCOME_OUTPUT_MAX / 3) * 4 + 4) },
    ];
    for (const fields of hostile) {
      const { outcome, end } = takeOutputEnd({ ok: false, kind: 'crashed', ...fields });
      expect(end).toBeNull();
      expect(outcome).toEqual({ ok: false, kind: 'crashed' });
    }
  });
});
