export interface LoggedRequest {
  /** Emulator time (epoch ms). */
  at: number;
  service: 'ec2' | 'elbv2';
  action: string;
  params: Record<string, string>;
  status: number;
  errorCode?: string;
}

/** Every request the emulator answered, so tests can assert what the client really sent. */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  all(): readonly LoggedRequest[] {
    return this.entries;
  }

  calls(action: string): LoggedRequest[] {
    return this.entries.filter((e) => e.action === action);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
