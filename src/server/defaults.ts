/**
 * Default settings, shared by buildApp (options left out) and loadConfig (variables left
 * unset), so the two cannot drift. The limits are generous for a real call: its set-up is a JOIN,
 * one or two SDPs and a few dozen ICE candidates in a burst, then a trickle of renegotiation.
 */
export const DEFAULTS = {
  roomCapacity: 2,
  heartbeatIntervalMs: 10_000,
  /** Long enough for a phone to switch networks or a page to reload. */
  resumeGraceMs: 15_000,
  /** Twice the largest candidate burst seen in a call set-up, plus the SDPs. */
  rateLimitBurst: 60,
  /** Far above a call's steady state (a few messages a second while renegotiating). */
  rateLimitPerSecond: 20,
  /** Ten calls' worth of tabs behind one address (a household or an office NAT). */
  maxSocketsPerIp: 20,
  /** A person opens a room or two a minute; a script creating rooms does not get far. */
  maxNewRoomsPerIp: 30,
  /** Test calls with the echo peer; a single process has nobody else to offer one. */
  echo: true,
  /** Enough to see, hear and judge the path; short enough that a forgotten tab costs little. */
  echoMaxSeconds: 120,
  /** Each echo call costs this server a share of a core (bench:echo measures it). */
  echoMaxCalls: 4,
  /**
   * A day. A browser keeps the credential it allocated its relay with for as long as the peer
   * connection lives (new ones from a later WELCOME serve only new allocations, after an ICE
   * restart), so the lifetime must outlast the longest call. What a leaked credential allows
   * in that day is bounded by coturn's quotas and its denied private ranges.
   */
  turnTtlS: 86_400,
} as const;
