/** Append-only typed-array buffers: amortised O(1) push without boxing numbers. */
export class GrowableFloat64 {
  private buf: Float64Array;
  length = 0;

  constructor(capacity = 16) {
    this.buf = new Float64Array(Math.max(1, capacity));
  }

  push(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }

  get(i: number): number {
    return this.buf[i] as number;
  }

  set(i: number, v: number): void {
    this.buf[i] = v;
  }

  /** A copy of [from, to). */
  slice(from = 0, to = this.length): Float64Array {
    return this.buf.slice(from, to);
  }

  private grow(min: number): void {
    const next = new Float64Array(Math.max(min, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

export class GrowableInt32 {
  private buf: Int32Array;
  length = 0;

  constructor(capacity = 16) {
    this.buf = new Int32Array(Math.max(1, capacity));
  }

  push(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }

  get(i: number): number {
    return this.buf[i] as number;
  }

  slice(from = 0, to = this.length): Int32Array {
    return this.buf.slice(from, to);
  }

  private grow(min: number): void {
    const next = new Int32Array(Math.max(min, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}
