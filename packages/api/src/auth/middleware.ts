import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import { roleAllows, type KeyRing, type Role } from './keys.js';

/** Minimum role per request: reads need viewer, run submissions trader. */
export function requiredRole(method: string, path: string): Role | null {
  if (path === '/healthz') return null;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'viewer';
  if (path.startsWith('/v1/')) return 'trader';
  return 'admin';
}

/**
 * Bearer-key authentication. With `required` false (loopback without keys) every request
 * passes; once keys exist, they are enforced even on loopback.
 */
export function authMiddleware(ring: KeyRing, required: boolean): MiddlewareHandler {
  return async (c, next) => {
    if (!required && ring.size === 0) return next();
    const need = requiredRole(c.req.method, c.req.path);
    if (!need) return next();
    const h = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new ApiError(401, 'unauthorized', 'missing bearer key', undefined, { 'WWW-Authenticate': 'Bearer' });
    const who = ring.verify(m[1]!);
    if (!who) throw new ApiError(401, 'unauthorized', 'unknown or invalid key', undefined, { 'WWW-Authenticate': 'Bearer' });
    if (!roleAllows(who.role, need)) throw new ApiError(403, 'forbidden', `role ${who.role} may not ${c.req.method} ${c.req.path}`);
    c.set('keelRole' as never, who.role as never);
    return next();
  };
}
