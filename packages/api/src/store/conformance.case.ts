import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, type RunStore } from './types.js';

/** One suite for every RunStore implementation (Hono's common.case pattern). */
export function runStoreConformance(name: string, open: () => Promise<RunStore>): void {
  describe(`RunStore conformance: ${name}`, () => {
    let store: RunStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const newRun = (id: string, kind: 'allocation' | 'execution' = 'allocation') => ({
      id,
      kind,
      inputHash: `h-${id}`,
      version: '0.0.0-test',
      input: { trades: [{ id: 'T1', quantity: 5 }], note: 'ünïcode ✓' },
    });

    it('creates a queued run with its first event and reads it back', async () => {
      const s = await store.create(newRun('r1'));
      expect(s.state).toBe('queued');
      const rec = await store.get('r1');
      expect(rec?.input).toEqual(newRun('r1').input);
      expect(rec?.output).toBeNull();
      const ev = await store.events('r1');
      expect(ev.map((e) => [e.seq, e.type, e.message])).toEqual([[1, 'state', 'queued']]);
    });

    it('refuses duplicates and unknown runs', async () => {
      await store.create(newRun('r1'));
      await expect(store.create(newRun('r1'))).rejects.toBeInstanceOf(StoreError);
      await expect(store.transition('nope', 'running', 'x')).rejects.toMatchObject({ code: 'not_found' });
      await expect(store.appendEvent('nope', 'log', 'x')).rejects.toMatchObject({ code: 'not_found' });
      expect(await store.get('nope')).toBeUndefined();
    });

    it('walks the legal transitions and stores output, outcome and timings', async () => {
      await store.create(newRun('r1'));
      await store.transition('r1', 'running', 'started');
      await store.appendEvent('r1', 'progress', 'round 1', { rows: 12 });
      const done = await store.transition('r1', 'succeeded', 'done', {
        outcome: 'optimal',
        output: { value: 1.5, rows: [1, 2, 3] },
        timings: { queueMs: 1, runMs: 20 },
      });
      expect(done).toMatchObject({ state: 'succeeded', outcome: 'optimal' });
      const rec = await store.get('r1');
      expect(rec?.output).toEqual({ value: 1.5, rows: [1, 2, 3] });
      expect(rec?.timings).toEqual({ queueMs: 1, runMs: 20 });
      expect(rec?.startedAt).not.toBeNull();
      expect(rec?.finishedAt).not.toBeNull();
      const ev = await store.events('r1');
      expect(ev.map((e) => e.type)).toEqual(['state', 'state', 'progress', 'state']);
      expect(ev[2]?.data).toEqual({ rows: 12 });
      expect((await store.events('r1', 2)).map((e) => e.seq)).toEqual([3, 4]);
    });

    it('refuses illegal transitions (terminal states are final)', async () => {
      await store.create(newRun('r1'));
      await expect(store.transition('r1', 'succeeded', 'skip running')).rejects.toMatchObject({ code: 'illegal_transition' });
      await store.transition('r1', 'running', 'go');
      await store.transition('r1', 'failed', 'boom', { error: { code: 'x', message: 'y' } });
      await expect(store.transition('r1', 'running', 'again')).rejects.toMatchObject({ code: 'illegal_transition' });
      expect((await store.get('r1'))?.error).toEqual({ code: 'x', message: 'y' });
    });

    it('lists newest first with filters and a limit, and counts by state', async () => {
      for (const id of ['a', 'b', 'c']) await store.create(newRun(id, id === 'b' ? 'execution' : 'allocation'));
      await store.transition('c', 'running', 'go');
      const all = await store.list();
      expect(all).toHaveLength(3);
      expect((await store.list({ kind: 'execution' })).map((r) => r.id)).toEqual(['b']);
      expect((await store.list({ state: 'running' })).map((r) => r.id)).toEqual(['c']);
      expect(await store.list({ limit: 2 })).toHaveLength(2);
      const counts = await store.count();
      expect(counts.queued).toBe(2);
      expect(counts.running).toBe(1);
    });

    it('recovers runs a dead process left open: terminal, with a reason', async () => {
      await store.create(newRun('q'));
      await store.create(newRun('r'));
      await store.transition('r', 'running', 'go');
      await store.create(newRun('s'));
      await store.transition('s', 'running', 'go');
      await store.transition('s', 'succeeded', 'ok', { outcome: 'optimal' });
      expect(await store.recover()).toBe(2);
      for (const id of ['q', 'r']) {
        const rec = await store.get(id);
        expect(rec?.state).toBe('failed');
        expect(rec?.error?.code).toBe('interrupted');
      }
      expect((await store.get('s'))?.state).toBe('succeeded');
      expect(await store.recover()).toBe(0);
    });

    it('serialises concurrent writers without losing events', async () => {
      await store.create(newRun('r1'));
      await Promise.all(Array.from({ length: 40 }, (_, i) => store.appendEvent('r1', 'log', `line ${i}`)));
      const ev = await store.events('r1');
      expect(ev).toHaveLength(41);
      expect(new Set(ev.map((e) => e.seq)).size).toBe(41);
    });
  });
}
