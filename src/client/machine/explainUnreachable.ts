import type { IceServerConfig, IceTransportPolicy } from '../../shared/messages.js';

export interface PathFacts {
  relayRefused: boolean;
  iceTransportPolicy: IceTransportPolicy;
  iceServers: readonly IceServerConfig[];
}

/** Why no path was found between two people, and what to do, in words for the person. */
export function explainUnreachable({ relayRefused, iceTransportPolicy, iceServers }: PathFacts): string {
  if (relayRefused && iceTransportPolicy === 'relay') {
    return 'The call cannot get through: this call server sends every call through a relay (TURN), and the relay refused it. Tell whoever runs the call server that the relay does not accept its credentials, then press Try again.';
  }
  if (relayRefused) {
    return 'The call cannot get through: your two networks allow no direct connection, and the relay (TURN) that would carry the call refused it. Tell whoever runs the call server that the relay does not accept its credentials, or try from another network; then press Try again.';
  }
  const relayed = iceServers.some((server) => [server.urls].flat().some((url) => /^turns?:/.test(url)));
  return relayed
    ? 'The call cannot get through: no connection between your two networks worked, not even through the relay (TURN). One of the networks may block it (it needs UDP, or TCP to the relay); try from another network, then press Try again.'
    : 'The call cannot get through: your two networks allow no direct connection, and this call server has no relay (TURN) to carry the call. Tell whoever runs it to set one up (TURN_URLS), or try from another network; then press Try again.';
}
