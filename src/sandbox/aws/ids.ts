import { randomBytes } from 'node:crypto';

/**
 * Resource IDs shaped like AWS's (`i-` + 17 hex digits). The stem is random per emulator so that
 * IDs remembered by a bot from an earlier sandbox run never name a new instance.
 */
export class IdSource {
  private seq = 0;

  constructor(private readonly stem = randomBytes(4).toString('hex').slice(0, 7)) {}

  next(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.stem}${this.seq.toString(16).padStart(17 - this.stem.length, '0')}`;
  }

  hex(length: number): string {
    this.seq += 1;
    return `${this.stem}${this.seq.toString(16)}`.padStart(length, '0').slice(-length);
  }
}
