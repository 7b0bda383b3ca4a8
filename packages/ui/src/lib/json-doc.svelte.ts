import { parseJsonText } from './json-locate.js';
import { setAt, type PathSegment } from './json-path.js';

/**
 * A JSON document edited both as text and through form fields. The text is the truth (kept as
 * typed, valid or not); a field edit parses, sets one path and writes the text back.
 */
export class JsonDoc<T = unknown> {
  text = $state('');
  readonly parsed = $derived(parseJsonText(this.text));

  get value(): T | undefined {
    return this.parsed.ok ? (this.parsed.value as T) : undefined;
  }
  get empty(): boolean {
    return this.text.trim() === '';
  }

  set(value: T): void {
    this.text = JSON.stringify(value, null, 2);
  }

  /** Field edit; ignored while the text is not valid JSON (the form says so). */
  edit(path: readonly PathSegment[], v: unknown): void {
    if (!this.parsed.ok) return;
    this.set(setAt(this.parsed.value as T, path, v));
  }
}
