/**
 * A loopback front for moto that re-sends what moto drops. An HTTP 5xx with an HTML page is a
 * Python exception inside moto (seen under concurrent writes in the bench's sweep section), never
 * an AWS answer: the front re-sends that request (at most 3 more times, a moment apart) and counts
 * it; if moto keeps failing, it answers with a well-formed AWS error that names the call and points
 * at moto's log, so the SDK reports that instead of "XML parse error: mismatched tags <html>".
 * Every other answer passes through untouched.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';

export interface MotoFront {
  readonly endpoint: string;
  /** Each request moto failed and the front re-sent: `Action` (`HTTP status`). */
  readonly retried: readonly string[];
  close(): Promise<void>;
}

const RETRIES = 3;

/** An HTTP answer, whole. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends one buffered request to a loopback port; the whole answer (moto's fronts forward with it). */
export function sendTo(
  port: number,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The API call a request makes: the query protocol's `Action`, or the JSON protocol's target. */
function callOf(headers: IncomingHttpHeaders, body: Buffer): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1] ?? 'unknown call';
}

const droppedByMoto = (a: Answer) =>
  a.status >= 500 && String(a.headers['content-type']).includes('text/html');

/** An AWS-shaped error for a call moto kept failing (EC2's query format, or the JSON protocols'). */
function failure(headers: IncomingHttpHeaders, body: Buffer, message: string): Answer {
  const json = typeof headers['x-amz-target'] === 'string';
  const text = json
    ? JSON.stringify({ __type: 'MotoInternalError', message })
    : /(?:^|&)Version=2016-11-15/.test(body.toString('utf8'))
      ? `<Response><Errors><Error><Code>MotoInternalError</Code><Message>${message}</Message></Error></Errors><RequestID>moto-front</RequestID></Response>`
      : `<ErrorResponse><Error><Code>MotoInternalError</Code><Message>${message}</Message></Error></ErrorResponse>`;
  return {
    status: 500,
    headers: { 'content-type': json ? 'application/x-amz-json-1.1' : 'text/xml' },
    body: Buffer.from(text),
  };
}

/** Starts the front on a free loopback port, forwarding to moto on `motoPort`. */
export async function startMotoFront(motoPort: number, logFile: string): Promise<MotoFront> {
  const retried: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const forward = () => sendTo(motoPort, req.method ?? 'GET', req.url ?? '/', req.headers, body);
      try {
        let answer = await forward();
        for (let attempt = 1; droppedByMoto(answer) && attempt <= RETRIES; attempt += 1) {
          retried.push(`${callOf(req.headers, body)} (HTTP ${answer.status})`);
          await new Promise((r) => setTimeout(r, 100 * attempt));
          answer = await forward();
        }
        if (droppedByMoto(answer)) {
          const call = callOf(req.headers, body);
          answer = failure(
            req.headers,
            body,
            `moto failed ${call} ${RETRIES + 1} times (HTTP ${answer.status}, an error inside moto): see ${logFile}`,
          );
        }
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`moto front: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    retried,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
