import { SIGNALING_PATH } from '../../shared/limits.js';

/** The signaling socket's address: `/ws` on the page's own origin, `wss:` on an `https:` page. */
export function signalingUrl(location: Location): URL {
  const url = new URL(SIGNALING_PATH, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}
