/**
 * `/?echo`: a test call with the server's echo peer. Once the page is alone in its fresh room it
 * asks the server (`POST /echo`) to send the echo peer in; from there it is a normal call, whose
 * other side sends back this page's own camera and microphone.
 */
import type { Actor } from 'xstate';
import type { EchoRefused, EchoRequest, EchoStarted } from '../../shared/echoRequest.js';
import { ECHO_PATH } from '../../shared/limits.js';
import type { CallMachine } from '../machine/callMachine.js';

type EchoAnswer = { ok: true; maxSeconds: number } | { ok: false; message: string };

const field = (body: unknown, name: keyof EchoStarted | keyof EchoRefused): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

export async function requestEcho(room: string, peerId: string): Promise<EchoAnswer> {
  let response: Response;
  try {
    const request: EchoRequest = { room, peer_id: peerId };
    response = await fetch(ECHO_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  } catch {
    return { ok: false, message: 'The server could not be reached to start the test call. Check your connection, then reload the page.' };
  }
  const body: unknown = await response.json().catch(() => null);
  const maxSeconds = field(body, 'max_seconds');
  if (response.ok && typeof maxSeconds === 'number') return { ok: true, maxSeconds };
  const message = field(body, 'message');
  return { ok: false, message: typeof message === 'string' ? message : `The server did not start the test call (HTTP ${response.status}). Reload the page to try again.` };
}

export function startEchoMode(call: Actor<CallMachine>, room: string, note: HTMLElement): void {
  const say = (text: string, tone: 'info' | 'error') => {
    note.textContent = text;
    note.dataset.tone = tone;
    note.hidden = false;
  };
  let askedFor: string | null = null;
  let wasInCall = false;
  call.subscribe((snapshot) => {
    const inCall = snapshot.matches({ active: { room: { call: 'inCall' } } });
    const waiting = snapshot.matches({ active: { room: { call: 'waiting' } } });
    if (wasInCall && waiting) say('The test call is over. Reload the page for another one.', 'info');
    wasInCall = inCall;
    const selfId = snapshot.context.selfId;
    // One request per seat: a resumed seat still has its echo peer; a new seat (the server
    // restarted) has none. Asked once the camera is ready: an offer that came earlier would be
    // answered with nothing to send, and sending would then take a second negotiation.
    if (!waiting || !snapshot.context.mediaReady || selfId === null || selfId === askedFor) return;
    askedFor = selfId;
    say('Asking the server for a test call…', 'info');
    requestEcho(room, selfId).then((answer) => {
      if (answer.ok) say(`Test call: you see and hear yourself as sent to the server and back. It ends after ${answer.maxSeconds} s.`, 'info');
      else say(answer.message, 'error');
    });
  });
}
