/**
 * What the gathered ICE candidates say about the person's network, in words: whether the
 * device has an address (host), whether a STUN server sees its public address (srflx), and
 * whether a TURN server gives it a relay address. Pure, so every sentence is unit-tested.
 */
import type { IceServerConfig } from '../../shared/messages.js';
import { fail, ok, type CheckResult } from './checkResult.js';

export interface GatherError {
  url: string;
  code: number;
  text: string;
}

export interface Gathered {
  /** Candidate types seen: `host`, `srflx`, `relay`. */
  types: ReadonlySet<string>;
  /** `icecandidateerror`s: a STUN or TURN server that did not answer or refused us. */
  errors: readonly GatherError[];
}

const serverUrls = (iceServers: readonly IceServerConfig[]) =>
  iceServers.flatMap((server) => (typeof server.urls === 'string' ? [server.urls] : [...server.urls]));

export const turnUrls = (iceServers: readonly IceServerConfig[]) =>
  serverUrls(iceServers).filter((url) => /^turns?:/i.test(url));
const stunUrls = (iceServers: readonly IceServerConfig[]) => serverUrls(iceServers).filter((url) => /^stuns?:/i.test(url));

const ASK_OPERATOR = 'Ask whoever runs this call server';

function describeTurnError(errors: readonly GatherError[]): string {
  const turnErrors = errors.filter((error) => /^turns?:/i.test(error.url));
  const refused = turnErrors.find((error) => error.code === 401 || error.code === 403);
  if (refused) {
    return (
      `The TURN server at ${refused.url} refused the credentials (${refused.code} ${refused.text}). ` +
      `${ASK_OPERATOR} to check its shared secret and clock, then press Test again.`
    );
  }
  const unreachable = turnErrors[0];
  return (
    `The TURN server${unreachable ? ` at ${unreachable.url}` : ''} gave no relay address` +
    `${unreachable ? ` (${unreachable.code} ${unreachable.text})` : ''}. This network may block it: ` +
    `try another network (e.g. a phone's hotspot), or ${ASK_OPERATOR.toLowerCase()} to check that it is running and reachable.`
  );
}

export function describeNetwork(
  iceServers: readonly IceServerConfig[],
  gathered: Gathered,
): { host: CheckResult; srflx: CheckResult; relay: CheckResult } {
  const host = gathered.types.has('host')
    ? ok('Your device has a network address for calls.')
    : fail(
        'The browser gave no local network address. Check that you are online; a browser setting or extension that blocks WebRTC also does this.',
      );

  let srflx: CheckResult;
  if (gathered.types.has('srflx')) srflx = ok('A STUN server sees your public address: direct calls through most home routers work.');
  else if (stunUrls(iceServers).length === 0 && turnUrls(iceServers).length === 0)
    srflx = fail(`No STUN server is configured, so people on other networks may not reach you directly. ${ASK_OPERATOR} to add one to ICE_SERVERS.`);
  else
    srflx = fail(
      'No STUN server told you your public address (UDP may be blocked here, or you are on the same network as the server). Calls on this network need the relay below.',
    );

  let relay: CheckResult;
  if (gathered.types.has('relay')) relay = ok('The TURN server gives you a relay address, for networks that block direct calls.');
  else if (turnUrls(iceServers).length === 0)
    relay = fail(
      `No TURN server is configured, so calls between networks that block direct connections (about one in five) cannot get through. ${ASK_OPERATOR} to add one.`,
    );
  else relay = fail(describeTurnError(gathered.errors));

  return { host, srflx, relay };
}
