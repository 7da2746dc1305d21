/**
 * The streams of a call. The camera and peer-connection actors own them; the view shows them.
 * The machines never hold a stream: they only say when to show or hide one.
 */
export interface MediaStage {
  /** Our camera and microphone (one track each at most). */
  local: MediaStream | null;
  /** A screen, window or tab we share, sent in place of the camera or beside it. */
  screen: MediaStream | null;
  /**
   * Each remote person's media, by their key in the call (their peer machine's id): the streams
   * they send on, in the order they came (their camera and microphone; a screen beside them).
   */
  remotes: Map<string, MediaStream[]>;
  /** Each remote person's peer connection, by key, for views that read its statistics. */
  connections: Map<string, RTCPeerConnection>;
}

export function createMediaStage(): MediaStage {
  return { local: null, screen: null, remotes: new Map(), connections: new Map() };
}

export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
