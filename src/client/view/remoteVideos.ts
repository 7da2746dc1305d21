/**
 * Which of a person's streams to show where. Their camera and microphone go on one stream (the
 * one with the audio); a screen shared beside the camera comes on a stream of its own (its msid),
 * so the two are told apart by stream, never by the order of the m-lines. A screen shared in
 * place of the camera is simply the camera stream's video.
 */

/** What this needs of a MediaStream (so that it can be tested without a browser). */
export interface StreamLike {
  getAudioTracks(): readonly unknown[];
  getVideoTracks(): readonly unknown[];
}

export interface RemoteVideos<S> {
  /** Shown large: their camera, or a screen shared beside it. */
  main: S | null;
  /** Shown small inside the tile: their camera, while a screen beside it is large. */
  inset: S | null;
}

/** `streams` in the order they came; `screenOn`: they say they share a screen (their `media`). */
export function remoteVideos<S extends StreamLike>(streams: readonly S[], screenOn: boolean): RemoteVideos<S> {
  const person = streams.find((stream) => stream.getAudioTracks().length > 0) ?? streams[0] ?? null;
  // The latest, should an earlier share's stream still hold a track for a moment.
  const screen = screenOn ? (streams.findLast((stream) => stream !== person && stream.getVideoTracks().length > 0) ?? null) : null;
  return screen ? { main: screen, inset: person } : { main: person, inset: null };
}
