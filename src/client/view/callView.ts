/**
 * The call page: status in words, the buttons a state allows, the two videos. It shows what
 * the machine's snapshot says and turns clicks into events; it makes no decisions.
 */
import type { SnapshotFrom } from 'xstate';
import type { CallMachine } from '../machine/callMachine.js';
import { describeCall } from '../machine/describeCall.js';
import { stateToString } from '../machine/stateToString.js';
import type { MediaStage } from '../effects/mediaStage.js';
import type { UserEvent } from '../machine/events.js';
import { element } from './element.js';

/** `link` is the room's shareable address; null in a simulation, where there is no room. */
export function createCallView(root: Document, stage: MediaStage, link: string | null) {
  const status = element(root, 'status', HTMLElement);
  const start = element(root, 'start', HTMLButtonElement);
  const retry = element(root, 'retry', HTMLButtonElement);
  const hangUp = element(root, 'hang-up', HTMLButtonElement);
  const copyLink = element(root, 'copy-link', HTMLButtonElement);
  const newCall = element(root, 'new-call', HTMLAnchorElement);
  const linkNote = element(root, 'link-note', HTMLElement);
  const selfView = element(root, 'self-view', HTMLVideoElement);
  const remoteVideo = element(root, 'remote-video', HTMLVideoElement);

  const play = (video: HTMLVideoElement, stream: MediaStream | null) => {
    if (video.srcObject !== stream) video.srcObject = stream;
    video.hidden = stream === null;
    if (stream) video.play().catch(() => {});
  };

  copyLink.hidden = link === null;
  copyLink.addEventListener('click', () => {
    if (link === null) return;
    const done = (text: string) => {
      linkNote.textContent = text;
      linkNote.hidden = false;
    };
    navigator.clipboard?.writeText(link).then(
      () => done(`Link copied. Send it to the person you want to call: ${link}`),
      () => done(`Copy this link and send it to the person you want to call: ${link}`),
    ) ?? done(`Copy this link and send it to the person you want to call: ${link}`);
  });

  return {
    onUserEvent(send: (event: UserEvent) => void) {
      start.addEventListener('click', () => send({ type: 'user.start' }));
      retry.addEventListener('click', () => send({ type: 'user.retry' }));
      hangUp.addEventListener('click', () => send({ type: 'user.hangUp' }));
    },
    render(snapshot: SnapshotFrom<CallMachine>) {
      root.body.dataset.callState = stateToString(snapshot.value);
      const { text, tone } = describeCall(snapshot);
      status.textContent = text;
      status.dataset.tone = tone;
      start.hidden = !snapshot.can({ type: 'user.start' });
      retry.hidden = !snapshot.can({ type: 'user.retry' });
      hangUp.hidden = !snapshot.can({ type: 'user.hangUp' });
      newCall.hidden = !snapshot.matches('roomFull');
    },
    showSelfView: () => play(selfView, stage.local),
    hideSelfView: () => play(selfView, null),
    showRemoteVideo: () => play(remoteVideo, stage.remote),
    hideRemoteVideo: () => play(remoteVideo, null),
  };
}
