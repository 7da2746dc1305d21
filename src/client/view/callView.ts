/**
 * The call page: status in words, the buttons a state allows, the other people's tiles and the
 * self-view. It shows what the machines' snapshots say and turns clicks into events; it makes
 * no decisions.
 */
import type { SnapshotFrom } from 'xstate';
import type { CallMachine } from '../machine/callMachine.js';
import { describeCall } from '../machine/describeCall.js';
import { stateToString } from '../machine/stateToString.js';
import type { MediaStage } from '../effects/mediaStage.js';
import type { UserEvent } from '../machine/events.js';
import { element } from './element.js';
import type { NameStore } from './nameStore.js';
import { createPeopleGrid, play } from './peopleGrid.js';

/** `link` is the room's shareable address; null in a simulation, where there is no room. */
export function createCallView(root: Document, stage: MediaStage, link: string | null, names: NameStore) {
  const status = element(root, 'status', HTMLElement);
  const start = element(root, 'start', HTMLButtonElement);
  const retry = element(root, 'retry', HTMLButtonElement);
  const hangUp = element(root, 'hang-up', HTMLButtonElement);
  const copyLink = element(root, 'copy-link', HTMLButtonElement);
  const newCall = element(root, 'new-call', HTMLAnchorElement);
  const linkNote = element(root, 'link-note', HTMLElement);
  const selfView = element(root, 'self-view', HTMLVideoElement);
  const nameField = element(root, 'name-field', HTMLElement);
  const nameInput = element(root, 'name', HTMLInputElement);
  const people = createPeopleGrid(element(root, 'people', HTMLElement), stage);

  nameInput.value = names.read() ?? '';
  /** The name typed, trimmed; none (the server says "Guest") when left empty. */
  const typedName = (): string | undefined => {
    const name = nameInput.value.trim().slice(0, 64);
    names.write(name);
    return name === '' ? undefined : name;
  };

  copyLink.hidden = link === null;
  copyLink.addEventListener('click', () => {
    if (link === null) return;
    const done = (text: string) => {
      linkNote.textContent = text;
      linkNote.hidden = false;
    };
    navigator.clipboard?.writeText(link).then(
      () => done(`Link copied. Send it to the people you want to call: ${link}`),
      () => done(`Copy this link and send it to the people you want to call: ${link}`),
    ) ?? done(`Copy this link and send it to the people you want to call: ${link}`);
  });

  return {
    onUserEvent(send: (event: UserEvent) => void) {
      const startWithName = () => {
        const name = typedName();
        send(name === undefined ? { type: 'user.start' } : { type: 'user.start', name });
      };
      start.addEventListener('click', startWithName);
      nameInput.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !start.hidden) startWithName();
      });
      retry.addEventListener('click', () => send({ type: 'user.retry' }));
      hangUp.addEventListener('click', () => send({ type: 'user.hangUp' }));
    },
    /** The name to rejoin with after a reload. */
    savedName: (): string | undefined => names.read() ?? undefined,
    render(snapshot: SnapshotFrom<CallMachine>) {
      root.body.dataset.callState = stateToString(snapshot.value);
      const { text, tone } = describeCall(snapshot);
      status.textContent = text;
      status.dataset.tone = tone;
      start.hidden = !snapshot.can({ type: 'user.start' });
      nameField.hidden = start.hidden;
      retry.hidden = !snapshot.can({ type: 'user.retry' });
      hangUp.hidden = !snapshot.can({ type: 'user.hangUp' });
      newCall.hidden = !snapshot.matches('roomFull');
      people.render(snapshot.context.people, snapshot.children as Parameters<typeof people.render>[1]);
    },
    showSelfView: () => {
      play(selfView, stage.local);
      selfView.hidden = false;
    },
    hideSelfView: () => {
      play(selfView, null);
      selfView.hidden = true;
    },
    showRemoteVideo: (key: string) => people.showVideo(key),
    hideRemoteVideo: (key: string) => people.hideVideo(key),
  };
}
