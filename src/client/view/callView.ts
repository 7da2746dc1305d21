/**
 * The call page: status in words, the buttons a state allows, the other people's tiles and the
 * self-view. It shows what the machines' snapshots say and turns clicks into events; it makes
 * no decisions.
 */
import type { Actor, AnyActorRef, SnapshotFrom } from 'xstate';
import type { CallMachine } from '../machine/callMachine.js';
import { describeCall } from '../machine/describeCall.js';
import { stateToString } from '../machine/stateToString.js';
import type { MediaStage } from '../effects/mediaStage.js';
import type { UserEvent } from '../machine/events.js';
import type { PersonQuality } from '../quality/qualityMonitor.js';
import { element } from './element.js';
import type { NameStore } from './nameStore.js';
import { createChatPanel } from './chatPanel.js';
import { createDevicePicker } from './devicePicker.js';
import { createPeopleGrid, play } from './peopleGrid.js';
import { bindShortcuts } from './shortcuts.js';

interface LocalMediaView {
  microphone?: string;
  camera?: string;
  /** e.g. `'off'`, `{ starting: 'beside' }`, `{ on: 'instead' }`. */
  screen?: string | Record<string, string>;
}

/** The screen region's state and substate: `['on', 'beside']`, `['off', '']`. */
function screenOf(local: LocalMediaView): [string, string] {
  const screen = local.screen ?? 'off';
  if (typeof screen === 'string') return [screen, ''];
  const [state = 'off', sub = ''] = Object.entries(screen)[0] ?? [];
  return [state, sub];
}

/** The local media machine's regions, e.g. `{ microphone: 'on', camera: 'starting', screen: 'off' }`. */
function localMediaOf(snapshot: SnapshotFrom<CallMachine>): LocalMediaView {
  const media = (snapshot.children as Record<string, AnyActorRef | undefined>).media?.getSnapshot() as { value?: unknown } | undefined;
  const value = media?.value;
  if (typeof value !== 'object' || value === null || !('ready' in value)) return {};
  return (value as { ready: LocalMediaView }).ready;
}

const CAMERA_LABEL: Record<string, string> = { on: 'Camera off', off: 'Camera on', starting: 'Camera starting…', failed: 'Camera on' };
const SHARE_LABEL: Record<string, string> = { off: 'Share screen', starting: 'Choosing a screen…', on: 'Stop sharing', failed: 'Share screen' };
/** Beside: start a share with the camera still sent, or, while sharing, switch. */
const BESIDE_LABEL: Record<string, string> = { instead: 'Show camera too', beside: 'Screen only' };

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
  const mute = element(root, 'mute', HTMLButtonElement);
  const camera = element(root, 'camera', HTMLButtonElement);
  const share = element(root, 'share', HTMLButtonElement);
  const shareBeside = element(root, 'share-beside', HTMLButtonElement);
  const devicesButton = element(root, 'devices', HTMLButtonElement);
  const chatToggle = element(root, 'chat-toggle', HTMLButtonElement);
  const help = element(root, 'help', HTMLButtonElement);
  const helpDialog = element(root, 'help-dialog', HTMLDialogElement);
  const mediaNote = element(root, 'media-note', HTMLElement);
  const chat = createChatPanel(root, () => crypto.randomUUID(), () => Date.now());
  const devices = createDevicePicker(root, navigator.mediaDevices, (deviceId) => people.setSpeaker(deviceId));
  help.addEventListener('click', () => helpDialog.showModal());

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
      mute.addEventListener('click', () => send({ type: 'user.toggleMicrophone' }));
      camera.addEventListener('click', () => send({ type: 'user.toggleCamera' }));
      share.addEventListener('click', () => send({ type: 'user.toggleScreen' }));
      shareBeside.addEventListener('click', () => send({ type: 'user.toggleScreenBeside' }));
      chat.onSend(send);
      devices.onChoose(send, () => stage.local);
      // A button the state does not offer is hidden, and so is its shortcut.
      const when = (button: HTMLButtonElement, action: () => void) => () => {
        if (!button.hidden && !button.disabled) action();
      };
      bindShortcuts(root, {
        m: when(mute, () => send({ type: 'user.toggleMicrophone' })),
        c: when(camera, () => send({ type: 'user.toggleCamera' })),
        s: when(share, () => send({ type: 'user.toggleScreen' })),
        b: when(shareBeside, () => send({ type: 'user.toggleScreenBeside' })),
        Enter: when(chatToggle, () => chat.open()),
        '?': () => (helpDialog.open ? helpDialog.close() : helpDialog.showModal()),
      });
    },
    /** Follows the call and its local media machine (the microphone, camera and screen buttons). */
    follow(call: Actor<CallMachine>) {
      let media: AnyActorRef | undefined;
      call.subscribe((snapshot) => {
        this.render(snapshot);
        const next = (snapshot.children as Record<string, AnyActorRef | undefined>).media;
        if (next && next !== media) {
          media = next;
          next.subscribe(() => this.render(call.getSnapshot()));
        }
      });
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
      const local = localMediaOf(snapshot);
      const inCall = snapshot.can({ type: 'user.toggleMicrophone' });
      for (const button of [mute, camera, share, shareBeside, devicesButton, chatToggle]) button.hidden = !inCall;
      mute.textContent = local.microphone === 'off' ? 'Unmute' : 'Mute';
      mute.setAttribute('aria-pressed', String(local.microphone === 'off'));
      mute.title = `${mute.textContent} (M)`;
      camera.textContent = CAMERA_LABEL[local.camera ?? 'on'] ?? 'Camera off';
      camera.setAttribute('aria-pressed', String(local.camera !== undefined && local.camera !== 'on'));
      camera.title = `${camera.textContent} (C)`;
      const [screen, placed] = screenOf(local);
      share.textContent = SHARE_LABEL[screen] ?? 'Share screen';
      share.setAttribute('aria-pressed', String(screen === 'on'));
      share.title = `${share.textContent} (S)`;
      shareBeside.textContent = screen === 'on' ? (BESIDE_LABEL[placed] ?? 'Share beside camera') : 'Share beside camera';
      shareBeside.disabled = screen === 'starting';
      shareBeside.setAttribute('aria-pressed', String(screen === 'on' && placed === 'beside'));
      shareBeside.title = `${shareBeside.textContent} (B)`;
      selfView.classList.toggle('camera-off', !snapshot.context.localMedia.video);
      mediaNote.textContent = snapshot.context.mediaNote ?? '';
      mediaNote.hidden = !inCall || snapshot.context.mediaNote === null;
      chat.render(snapshot.context.chat);
      if (!inCall && chat.isOpen()) chat.close();
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
    showQuality(measured: readonly PersonQuality[]) {
      for (const person of measured) people.showQuality(person.key, person.level);
    },
  };
}
