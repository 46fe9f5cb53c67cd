import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { killWithParent } from './exit-guard.js';

/** What to run for an instance. The environment adds to the parent's and to HOST, PORT, INSTANCE_ID. */
export interface InstanceCommand {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

/** One line of an instance's output, or (`manager`) what happened to its process. */
export interface InstanceLogEntry {
  instanceId: string;
  stream: 'stdout' | 'stderr' | 'manager';
  line: string;
}

/** The OS process standing in for one instance, its output read line by line. */
export class InstanceProcess {
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private killTimer?: NodeJS.Timeout;

  constructor(
    readonly instanceId: string,
    command: InstanceCommand,
    env: NodeJS.ProcessEnv,
    private readonly log: (entry: InstanceLogEntry) => void,
  ) {
    this.child = spawn(command.cmd, command.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    const release = killWithParent(this.child);
    this.readLines(this.child.stdout!, 'stdout');
    this.readLines(this.child.stderr!, 'stderr');
    this.exited = new Promise((resolve) => {
      const done = (line: string) => {
        clearTimeout(this.killTimer);
        release();
        this.note(line);
        resolve();
      };
      this.child.once('exit', (code, signal) => done(signal ? `killed by ${signal}` : `exited with code ${code}`));
      this.child.once('error', (err) => {
        // A process that never started emits no 'exit'.
        if (this.child.pid === undefined) done(`failed to start: ${err.message}`);
        else this.note(`error: ${err.message}`);
      });
    });
    if (this.child.pid !== undefined) this.note(`started pid ${this.child.pid}: ${[command.cmd, ...command.args].join(' ')}`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if the process is still there after the grace. */
  stop(graceMs: number): Promise<void> {
    if (this.alive && this.killTimer === undefined) {
      this.child.kill('SIGTERM');
      this.killTimer = setTimeout(() => this.kill(), graceMs);
    }
    return this.exited;
  }

  kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  private readLines(stream: Readable, name: 'stdout' | 'stderr'): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.log({ instanceId: this.instanceId, stream: name, line }));
  }

  private note(line: string): void {
    this.log({ instanceId: this.instanceId, stream: 'manager', line });
  }
}
