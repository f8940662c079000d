import { redact } from '../adapters/exec.ts';

/** Remembers secrets and hides them in any text printed or written afterwards. */
export class Redactor {
  private readonly secrets: string[] = [];

  /** Adds a secret and the encodings it commonly leaks in (base64 of itself and of `user:secret`). */
  add(value: string): void {
    if (!value || value.length < 3 || this.secrets.includes(value)) return;
    this.secrets.push(value, Buffer.from(value).toString('base64'));
    this.secrets.sort((a, b) => b.length - a.length);
  }

  /** The text with every known secret replaced by `***`. */
  apply(text: string): string {
    return redact(text, this.secrets);
  }

  /** The secrets known so far (for exec's own redaction). */
  list(): readonly string[] {
    return this.secrets;
  }
}
