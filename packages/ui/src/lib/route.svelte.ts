import { formatHash, parseHash, type Route, type View } from './route.js';

/** The current route, kept in sync with `location.hash` (back/forward work; links are shareable). */
class Router {
  current = $state<Route>(parseHash(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => (this.current = parseHash(location.hash)));
  }

  go(view: View, sub?: string, params: Record<string, string | undefined> = {}, replace = false): void {
    const hash = formatHash({ view, sub, params });
    if (hash === location.hash) return;
    if (replace) {
      history.replaceState(null, '', hash);
      this.current = parseHash(hash);
    } else location.hash = hash;
  }

  /** Updates params of the current view (e.g. the run on show) without a new history entry. */
  setParams(params: Record<string, string | undefined>): void {
    const r = this.current;
    this.go(r.view, r.sub, { ...r.params, ...params }, true);
  }
}

export const router = new Router();
