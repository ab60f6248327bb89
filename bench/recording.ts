/**
 * The bench's one call recorder: every client the functions make (EC2, SSM, and STS for member
 * accounts) is counted, with the function that made the call and whose credentials signed it.
 */
import { observeClients } from '../functions/commons/aws-clients.js';
import { CallRecorder } from '../local/call-recorder.js';
import { runningFunction } from '../local/local-runner.js';

// Calls are attributed to the function that made them (the local runner names it).
export const recorder = new CallRecorder(() => runningFunction.getStore());
// Every client the functions make (EC2, SSM, and STS for member accounts) is counted, with whose
// credentials it signs.
export const watchClients = () => {
  observeClients((client, owner) => recorder.watch(client, owner));
};

/** The recorded calls by API, as the tables show them. */
export const callsByApi = () =>
  Object.entries(recorder.byApi())
    .map(([api, n]) => `${api} ${n}`)
    .join(', ');
