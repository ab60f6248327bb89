/**
 * Counts AWS API calls made through SDK clients (by command name), so tests and the bench can
 * assert "zero writes on a re-run" and count calls per peering.
 */
const READ = /^(Describe|Get|List)/;

/** IAM service prefix of each SDK client we use. */
const SERVICE: Record<string, string> = {
  EC2Client: 'ec2',
  SSMClient: 'ssm',
  SFNClient: 'states',
  SNSClient: 'sns',
  STSClient: 'sts',
};

let recorders = 0;

export class CallRecorder {
  /** Each recorder's middleware has its own name: several may watch one client. */
  private readonly name = `callRecorder${++recorders}`;
  readonly calls: string[] = [];
  /** Each call as `service:Action`, with the function that made it (when `attribute` says). */
  /** `as`: whose credentials signed the call (`hub`, or a member account id), when `watch` was told. */
  readonly actions: Array<{ readonly by?: string; readonly as?: string; readonly action: string }> = [];

  /** @param attribute names the function making the current call (e.g. an AsyncLocalStorage). */
  constructor(private readonly attribute: () => string | undefined = () => undefined) {}
  private readonly instrumented = new WeakSet<object>();

  /** Starts recording a client's calls (idempotent per client); `as` says whose credentials it uses. */
  watch(client: object, as?: string): void {
    if (this.instrumented.has(client)) return;
    this.instrumented.add(client);
    (client as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) =>
        async (args: unknown) => {
          const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          this.calls.push(name);
          const by = this.attribute();
          this.actions.push({
            ...(by ? { by } : {}),
            ...(as ? { as } : {}),
            action: `${SERVICE[context.clientName ?? ''] ?? context.clientName}:${name}`,
          });
          return next(args);
        },
      { step: 'initialize', name: this.name },
    );
  }

  reset(): void {
    this.calls.length = 0;
    this.actions.length = 0;
  }

  get writes(): string[] {
    return this.calls.filter((c) => !READ.test(c));
  }

  get reads(): string[] {
    return this.calls.filter((c) => READ.test(c));
  }

  byApi(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) out[c] = (out[c] ?? 0) + 1;
    return out;
  }
}
