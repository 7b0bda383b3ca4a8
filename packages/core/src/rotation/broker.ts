import { sortOrders } from '../orders/orders-from-targets.js';
import type { OmsOrder, OrderSide } from '../orders/types.js';

/**
 * The execution layer's boundary. A live broker (IBKR in seed 05) would implement `Broker`;
 * these machines have no network, so the only implementation is `SimulatedBroker`, whose fill
 * model is the pure function `simulateFills` that replay uses directly.
 */

/** What the market looks like for one name during one bar. */
export interface BarQuote {
  readonly symbol: string;
  /** Mid price. */
  readonly mid: number;
  /** Quoted bid-ask spread in basis points of mid; a fill pays half of it. */
  readonly spreadBps: number;
  /** Shares traded in the market during the bar. */
  readonly volume: number;
}

export interface Fill {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly shares: number;
  /** Price paid or received: mid ± half the spread. */
  readonly price: number;
  /** Half-spread cost in the numeraire: shares × |price − mid|. */
  readonly cost: number;
}

export interface FillReport {
  readonly fills: readonly Fill[];
  /** Orders (or their remainders) not filled in this bar; they are cancelled, not carried. */
  readonly unfilled: readonly OmsOrder[];
}

export interface FillSettings {
  /** At most this fraction of the bar's volume per order (participation limit). */
  readonly participation: number;
}

export const DEFAULT_FILL_SETTINGS: FillSettings = Object.freeze({ participation: 0.1 });

/**
 * Fills each order at mid ± half-spread, up to floor(participation × bar volume) shares. An order
 * for a name without a quote does not fill. Deterministic; output sorted by symbol.
 */
export function simulateFills(orders: readonly OmsOrder[], quotes: ReadonlyMap<string, BarQuote>, settings: FillSettings = DEFAULT_FILL_SETTINGS): FillReport {
  const fills: Fill[] = [];
  const unfilled: OmsOrder[] = [];
  for (const o of sortOrders(orders)) {
    const q = quotes.get(o.symbol);
    const cap = q ? Math.floor(settings.participation * q.volume) : 0;
    const shares = Math.min(o.shares, Math.max(0, cap));
    if (q && shares > 0) {
      const half = (q.mid * q.spreadBps) / 2e4;
      const price = o.side === 'buy' ? q.mid + half : q.mid - half;
      fills.push({ symbol: o.symbol, side: o.side, shares, price, cost: shares * half });
    }
    if (shares < o.shares) unfilled.push({ symbol: o.symbol, side: o.side, shares: o.shares - shares });
  }
  return { fills, unfilled };
}

export interface Broker {
  readonly name: string;
  /** Sends orders for the current bar and returns what filled. */
  submit(orders: readonly OmsOrder[]): Promise<FillReport>;
  /** Signed shares by symbol (zero positions omitted). */
  positions(): Promise<ReadonlyMap<string, number>>;
  cash(): Promise<number>;
}

/** An in-memory broker over `simulateFills`; `setBar` tells it the market of the current bar. */
export class SimulatedBroker implements Broker {
  readonly name = 'simulated';
  private readonly pos = new Map<string, number>();
  private cashBalance: number;
  private quotes = new Map<string, BarQuote>();

  constructor(
    initialCash: number,
    private readonly settings: FillSettings = DEFAULT_FILL_SETTINGS,
    initialPositions: Readonly<Record<string, number>> = {},
  ) {
    this.cashBalance = initialCash;
    for (const [s, q] of Object.entries(initialPositions)) if (q !== 0) this.pos.set(s, q);
  }

  setBar(quotes: readonly BarQuote[]): void {
    this.quotes = new Map(quotes.map((q) => [q.symbol, q]));
  }

  async submit(orders: readonly OmsOrder[]): Promise<FillReport> {
    const report = simulateFills(orders, this.quotes, this.settings);
    for (const f of report.fills) {
      const signed = f.side === 'buy' ? f.shares : -f.shares;
      const next = (this.pos.get(f.symbol) ?? 0) + signed;
      if (next === 0) this.pos.delete(f.symbol);
      else this.pos.set(f.symbol, next);
      this.cashBalance -= signed * f.price;
    }
    return report;
  }

  async positions(): Promise<ReadonlyMap<string, number>> {
    return new Map(this.pos);
  }

  async cash(): Promise<number> {
    return this.cashBalance;
  }
}
