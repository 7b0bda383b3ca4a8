/**
 * Shareable state in the URL hash: `#/<view>[/<tab>][?run=<id>&…]`. Pure parse/format; the
 * reactive wrapper lives in route.svelte.ts.
 */
export const VIEWS = ['portfolio', 'allocation', 'execution', 'rotation', 'runs', 'lab'] as const;
export type View = (typeof VIEWS)[number];

export const PORTFOLIO_TABS = ['config', 'data', 'constraints', 'settings', 'results'] as const;
export type PortfolioTab = (typeof PORTFOLIO_TABS)[number];

export interface Route {
  readonly view: View;
  /** A tab inside the view (portfolio) or a run id (runs). */
  readonly sub: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

export const DEFAULT_ROUTE: Route = { view: 'portfolio', sub: 'config', params: {} };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const [pathPart = '', query = ''] = h.split('?', 2) as [string?, string?];
  const [view, ...rest] = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  if (!view || !(VIEWS as readonly string[]).includes(view)) return DEFAULT_ROUTE;
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  const sub = rest.length ? rest.join('/') : view === 'portfolio' ? 'config' : undefined;
  return { view: view as View, sub, params };
}

export function formatHash(r: { view: View; sub?: string | undefined; params?: Readonly<Record<string, string | undefined>> }): string {
  const parts = [r.view, ...(r.sub ? [r.sub] : [])].map(encodeURIComponent).join('/');
  const q = new URLSearchParams(Object.entries(r.params ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  return `#/${parts}${q.size ? `?${q}` : ''}`;
}
