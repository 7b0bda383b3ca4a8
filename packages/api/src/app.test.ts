import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';

describe('api', () => {
  it('answers /healthz', async () => {
    const res = await createApp({ version: 'test' }).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: 'test' });
  });

  it('404s an unknown route', async () => {
    const res = await createApp().request('/nope');
    expect(res.status).toBe(404);
  });
});
