import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const ROLES = ['viewer', 'trader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** viewer reads, trader also submits runs, admin may do anything. */
export const roleAllows = (role: Role, need: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(need);

/** What is kept at rest: never the key, only a salted SHA-256 of it. */
export interface StoredKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly salt: string;
  readonly hash: string;
  readonly createdAt: string;
}

/*
 * Keys are 32 random bytes, so a fast salted hash is enough (no dictionary to guess from);
 * the id prefix finds the record without scanning, and comparison is constant-time.
 */
const digest = (salt: string, secret: string) => createHash('sha256').update(salt).update(secret).digest('hex');

export function createKey(name: string, role: Role): { key: string; stored: StoredKey } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  return {
    key: `keel_${id}_${secret}`,
    stored: { id, name, role, salt, hash: digest(salt, secret), createdAt: new Date().toISOString() },
  };
}

export class KeyRing {
  private readonly byId: Map<string, StoredKey>;

  constructor(keys: readonly StoredKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  get size(): number {
    return this.byId.size;
  }

  /** The role of a presented key, or null when it is unknown or wrong. */
  verify(presented: string): { id: string; role: Role } | null {
    const m = /^keel_([0-9a-f]{12})_([A-Za-z0-9_-]{16,128})$/.exec(presented);
    if (!m) return null;
    const rec = this.byId.get(m[1]!);
    if (!rec) return null;
    const a = Buffer.from(digest(rec.salt, m[2]!), 'hex');
    const b = Buffer.from(rec.hash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? { id: rec.id, role: rec.role } : null;
  }
}

export function loadKeys(path: string): StoredKey[] {
  if (!existsSync(path)) return [];
  const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(data)) throw new Error(`${path}: expected an array of keys`);
  return data as StoredKey[];
}

export function saveKeys(path: string, keys: readonly StoredKey[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
