/**
 * The streams of a call. The camera and peer-connection actors own them; the view shows them.
 * The machine never holds a stream: it only says when to show or hide one.
 */
export interface MediaStage {
  local: MediaStream | null;
  remote: MediaStream | null;
  /** The call's peer connection, for views that read its statistics. */
  connection: RTCPeerConnection | null;
}

export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
